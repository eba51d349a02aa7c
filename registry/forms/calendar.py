"""The administrator's holiday calendar upload (F-05)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CalendarUploadForm(FlaskForm):
    file = FileField(_l("Holiday calendar (CSV: date,is_workday,name)"),
                     validators=[FileRequired(_l("Please choose a file"))])


class CalendarApplyForm(FlaskForm):
    """Confirm button of the preview (CSRF only)."""
