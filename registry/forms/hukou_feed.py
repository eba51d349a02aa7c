"""Hukou change feed forms (issue 12 item 6): the officer's upload, the clerk's hint resolution."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from registry.forms.concurrency import VersionField


class FeedUploadForm(FlaskForm):
    file = FileField(_l("Hukou change list (.xlsx, .xls, .csv)"),
                     validators=[FileRequired(_l("Please choose a file"))])


class HintForm(VersionField, FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200, message=_l("At most 200 characters"))])
