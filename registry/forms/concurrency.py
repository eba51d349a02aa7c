"""Optimistic locking in forms: a form that changes a record carries the ``version`` the user saw
(``VersionedMixin``, registry/models/base.py); the handler compares it with the record's current
version (``registry.views.concurrency.check_version``) so a stale page cannot overwrite a change made
meanwhile by someone else."""
from __future__ import annotations

import uuid

from wtforms import HiddenField


class VersionField:
    """Mixin for a FlaskForm: adds the hidden ``version`` field."""

    version = HiddenField()


def with_version(form, record):
    """Set the form's hidden version to ``record``'s current version ("" when there is no record yet)
    and return the form (for building page forms in one expression)."""
    form.version.data = "" if record is None else str(record.version)
    return form


class SubmissionField:
    """Mixin for a FlaskForm that creates a record: a hidden one-time ``submission`` token, new on every
    rendered form and kept when an invalid form is shown again. The record stores it under a unique
    constraint, so a double click or a repeated POST of the same page is refused (409) instead of
    recording twice. A POST without a token (a script) is not protected."""

    submission = HiddenField(default=lambda: uuid.uuid4().hex)

    def submission_token(self) -> str | None:
        value = (self.submission.data or "").strip()
        return value[:64] or None
