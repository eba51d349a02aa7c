"""Roster CLI commands (import-roster, export-roster, export-summary) — being built."""
from __future__ import annotations

from flask import Flask


def register_roster_cli(app: Flask) -> None:
    return None
