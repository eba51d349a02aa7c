"""Share register, certificate and dividend round forms. Field rules only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.forms.numbers import NumberField

_TOO_LONG = _l("At most %(max)d characters")


class ShareUploadForm(FlaskForm):
    file = FileField(_l("Share register workbook (.xlsx, .xls, .ods)"),
                     validators=[FileRequired(_l("Please choose a file"))])


class CertificateForm(FlaskForm):
    action = SelectField(_l("Action"))
    new_number = StringField(_l("New certificate number"), validators=[Optional(),
                                                                      Length(max=40, message=_TOO_LONG)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Please give the reason")),
                                                     Length(max=500, message=_TOO_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("reissue", _l("Re-issue (lost or damaged)")),
                               ("replace", _l("Replace with a new certificate")), ("cancel", _l("Cancel"))]


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=120, message=_TOO_LONG)])
    record_date = DateField(_l("Record date"), validators=[DataRequired(_l("Please enter the record date"))])
    net_income = NumberField(_l("Net income (yuan)"), places=2, validators=[
        InputRequired(_l("Please enter the net income")), NumberRange(min=0, message=_l("Enter 0 or more"))])
    reserve_rate = NumberField(_l("Reserve and welfare fund rate (e.g. 0.30)"), places=4, validators=[
        Optional(), NumberRange(min=0, max=1, message=_l("Enter a rate between 0 and 1"))])


class RoundActionForm(FlaskForm):
    resolution_id = SelectField(_l("Distribution plan resolution"), default="", validate_choice=False)
    inspection_from = DateField(_l("Plan open for inspection from"), validators=[Optional()])
    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])
