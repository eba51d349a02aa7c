"""Concurrent changes (issue 4): a stale form or a lost race becomes a clear Chinese message, never a
500 and never a lost update.

Two ways to lose the race, one answer: the form carried an older ``version`` than the record has now
(:func:`check_version`), or SQLAlchemy's version check failed while writing (``StaleDataError``:
another transaction committed first). Both roll back and answer 409 with
"此记录已被他人修改，请刷新后重试"."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db


def check_version(record, form) -> None:
    """Raise ``StaleDataError`` when the form's hidden version differs from ``record.version``. A form
    without a version (a script, an old page) is not checked; the database check still applies."""
    submitted = getattr(getattr(form, "version", None), "data", None)
    if record is not None and submitted not in (None, "") and str(record.version) != str(submitted):
        raise StaleDataError(f"{type(record).__name__} {record.id}: version {submitted} != {record.version}")


def stale_message() -> str:
    return _("This record has been changed by someone else; please reload the page and try again")


def register_stale_handler(app: Flask) -> None:
    @app.errorhandler(StaleDataError)
    def stale(e):
        db.session.rollback()
        return render_template("errors/error.html", status=409, title=_("Changed by someone else"),
                               message=stale_message()), 409
