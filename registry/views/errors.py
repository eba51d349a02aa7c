"""Error pages: Chinese messages, never a traceback. The request's transaction is rolled back."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest

from registry.extensions import db
from registry.views.concurrency import register_stale_handler


def register_error_handlers(app: Flask) -> None:
    def page(status: int, title: str, message: str = ""):
        db.session.rollback()
        return render_template("errors/error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(e):
        description = getattr(e, "description", "") or ""
        if description == BadRequest.description:  # werkzeug's English default: no word of what is wrong
            description = _("The address or the form holds a value that cannot be read; "
                            "please go back and check it")
        return page(400, _("Bad request"), description)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return page(400, _("Bad request"),
                    _("The form has expired or is invalid; please reload the page and try again"))

    @app.errorhandler(403)
    def forbidden(e):
        return page(403, _("You do not have permission for this action"))

    @app.errorhandler(404)
    def not_found(e):
        return page(404, _("Page not found"))

    @app.errorhandler(405)
    def method_not_allowed(e):
        return page(405, _("Bad request"))

    @app.errorhandler(413)
    def too_large(e):
        return page(413, _("The file is too large"),
                    _("The upload limit is %(mb)s MB", mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))

    # Concurrent or repeated submissions (a double click on 开始公示 / 报送乡镇 / 确认导入): the
    # optimistic lock (version columns) or a unique constraint refuses the second one during flush
    # or commit. Nothing of that request is kept; the first one stands.
    @app.errorhandler(IntegrityError)
    def integrity(e):
        app.logger.warning("integrity error (repeated or concurrent submission?): %s", e.orig)
        return page(409, _("Conflict"),
                    _("The data was changed by another action (perhaps a repeated submission); "
                      "please reload the page and try again"))

    @app.errorhandler(500)
    def internal(e):
        return page(500, _("Internal error"))

    register_stale_handler(app)
