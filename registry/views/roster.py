"""roster views (placeholder, being built)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("roster", __name__)
