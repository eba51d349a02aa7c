"""filings views (placeholder, being built)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("filings", __name__)
