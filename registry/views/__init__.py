"""Blueprints, one per domain. Handlers: load → check → form → service → commit → redirect."""
from __future__ import annotations

from flask import Flask
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


def register_blueprints(app: Flask) -> None:
    from registry.views import (
        area_imports, auth, disputes, exports, filing_review, filings, grants, history, households, imports, main,
        member_search, members, roster,
    )

    app.url_map.converters["int"] = BoundedIntConverter  # before any rule is added
    for module in (auth, main, roster, imports, area_imports, filings, exports, members, households,
                   filing_review, grants, disputes, history, member_search):
        app.register_blueprint(module.bp)

    from registry.views import audit  # issue 4: the audit log page
    from registry.views import calendar  # issue 13: the administrator's holiday calendar
    from registry.views import jobs  # issue 13: progress of background jobs
    from registry.views import users  # issue 13: user administration, own password

    app.register_blueprint(audit.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(jobs.bp)
