"""Roster import forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField


class UploadForm(FlaskForm):
    file = FileField(_l("Roster workbook (.xlsx, .xls, .ods)"),
                     validators=[FileRequired(_l("Please choose a file"))])


class ApplyForm(FlaskForm):
    partial = HiddenField()
