"""Blueprints, one per domain. Handlers: load → check → form → service → commit → redirect."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from registry.views import (
        auth, disputes, exports, filing_review, filings, grants, history, households, imports, main, members,
        roster,
    )

    for module in (auth, main, roster, imports, filings, exports, members, households, filing_review, grants,
                   disputes, history):
        app.register_blueprint(module.bp)
