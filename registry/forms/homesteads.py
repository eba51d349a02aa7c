"""Forms of the homestead register (field rules only; the D-rules are in
``registry.services.homesteads.register``). Choices come from ``registry.codes``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.codes import HOMESTEAD_STATUS
from registry.forms.concurrency import VersionField
from registry.forms.numbers import NumberField
from registry.services.homesteads.register import EDITABLE, END_GROUND_LABELS

_TOO_LONG = _l("At most %(max)d characters")


def _text(limit: int) -> list:
    return [Optional(), Length(max=limit, message=_TOO_LONG)]


_AREA = [Optional(), NumberRange(min=0, message=_l("Must not be negative"))]


class HomesteadUploadForm(FlaskForm):
    file = FileField(_l("Homestead register workbook (.xlsx, .xls, .ods)"),
                     validators=[FileRequired(_l("Please choose a file"))])


class HomesteadForm(VersionField, FlaskForm):
    """Entry (with 宗地代码 and 户编号) or change of one homestead."""

    plot_code = StringField(_l("Plot code"), validators=[Optional(), Length(max=19, message=_TOO_LONG)],
                            description=_l("12-digit village code + JC + 5 digits"))
    household_no = StringField(_l("Household no."), validators=_text(18))
    certificate_no = StringField(_l("Certificate no."), validators=_text(80))
    plot_area = NumberField(_l("Plot area (m²)"), places=2,
                             validators=[InputRequired(_l("Please enter the plot area")),
                                         NumberRange(min=0, message=_l("Must not be negative"))])
    building_area = NumberField(_l("Building area (m²)"), places=2, validators=_AREA)
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200, message=_TOO_LONG)])
    approved_on = DateField(_l("Approved on"), validators=[Optional()])
    approval_doc = StringField(_l("Approval document"), validators=_text(120))
    status = SelectField(_l("Status"), default="in_use")
    east = StringField(_l("East"), validators=_text(120))
    south = StringField(_l("South"), validators=_text(120))
    west = StringField(_l("West"), validators=_text(120))
    north = StringField(_l("North"), validators=_text(120))
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])
    exception_reason = TextAreaField(_l("Exception for a second plot in use (written reason)"),
                                     validators=[Optional(), Length(max=500, message=_TOO_LONG)],
                                     description=_l("Only where a second homestead in use is lawful (D-01)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = HOMESTEAD_STATUS.choices()

    def values(self) -> dict:
        out = {}
        for name in EDITABLE:
            value = getattr(self, name).data
            out[name] = (value.strip() or None) if isinstance(value, str) else value
        return out


class EndHomesteadForm(VersionField, FlaskForm):
    on = DateField(_l("Ended on"), validators=[DataRequired(_l("Please enter the date"))])
    ground = SelectField(_l("Ground"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ground.choices = list(END_GROUND_LABELS.items())


class CloseReviewForm(VersionField, FlaskForm):
    act = TextAreaField(_l("Lawful act recorded"), validators=[DataRequired(_l("Please describe the act")),
                                                               Length(max=500, message=_TOO_LONG)])

