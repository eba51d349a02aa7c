"""Forms of the land contract register pages (field rules only; the domain rules are in
``registry.services.land``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.codes import CERTIFICATE_STATUS, CIRCULATION_METHOD
from registry.forms.concurrency import VersionField
from registry.forms.numbers import NumberField

_TOO_LONG = _l("At most %(max)d characters")


class ExtendForm(VersionField, FlaskForm):
    """L-04: extend the contract's term by 30 years."""


class CertificateForm(VersionField, FlaskForm):
    status = SelectField(_l("Certificate status"))
    number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=40, message=_TOO_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = CERTIFICATE_STATUS.choices()


class EndCoholderForm(VersionField, FlaskForm):
    ground = StringField(_l("Lawful ground and document"),
                         validators=[DataRequired(_l("Please enter the lawful ground")),
                                     Length(max=200, message=_TOO_LONG)])
    on_date = DateField(_l("Ended on"), validators=[InputRequired(_l("Enter a date as YYYY-MM-DD"))])


class ParcelForm(VersionField, FlaskForm):
    name = StringField(_l("Parcel name"), validators=[Optional(), Length(max=60, message=_TOO_LONG)])
    contract_area = NumberField(_l("Contract area (mu)"), places=4, validators=[InputRequired()])
    measured_area = NumberField(_l("Measured area (mu)"), places=4, validators=[Optional()])


class CirculationForm(VersionField, FlaskForm):
    code = StringField(_l("Circulation contract number"), validators=[Optional(), Length(max=40, message=_TOO_LONG)])
    parcel_codes = StringField(_l("Parcel codes"), validators=[DataRequired(_l("Please enter the parcel codes"))],
                               description=_l("One or several 19-digit parcel codes joined with 、"))
    method = SelectField(_l("Circulation method"))
    receiver_name = StringField(_l("Receiver"), validators=[DataRequired(_l("Please enter the receiver")),
                                                            Length(max=120, message=_TOO_LONG)])
    receiver_id = StringField(_l("Receiver ID or credit code"),
                              validators=[Optional(), Length(max=20, message=_TOO_LONG)])
    area = NumberField(_l("Area (mu)"), places=4, validators=[InputRequired(), NumberRange(min=0)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a date as YYYY-MM-DD"))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter a date as YYYY-MM-DD"))])
    price = NumberField(_l("Price (yuan per mu per year)"), places=2, validators=[Optional(), NumberRange(min=0)])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    filed_on = DateField(_l("Filed with the issuer on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = CIRCULATION_METHOD.choices()
