"""main views (placeholder, being built)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("main", __name__)
