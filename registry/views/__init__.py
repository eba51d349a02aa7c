"""Blueprints, one per domain. Handlers: load → check → form → service → commit → redirect."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from registry.views import auth, exports, filings, imports, main, roster

    for module in (auth, main, roster, imports, filings, exports):
        app.register_blueprint(module.bp)

    from registry.views import audit  # issue 4: the audit log page

    app.register_blueprint(audit.bp)
