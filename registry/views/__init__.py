"""Blueprints, one per domain. Handlers: load → check → form → service → commit → redirect."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: Largest id a URL may carry: the primary keys are INTEGER, which is 32-bit on PostgreSQL
#: (SQLite's is 64-bit; the smaller bound serves both).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` within the database's integer range: ``/filings/99999999999999999999`` is a 404
    instead of an OverflowError (500) in the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
