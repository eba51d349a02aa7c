"""Forms of the rights transactions (issue 11). Field rules only: the recipient and object rules (S-08,
S-10, D-01, D-13, L-13, D-08 …) are the service's (``registry.services.transfers``). The selects' choices
(the village's households, members, parcels, homesteads, resolutions) are set by the view; a tampered id
is caught there (``chosen_id``), never a 500."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from registry.forms.concurrency import VersionField
from registry.forms.dates import DateField
from registry.forms.numbers import NumberField

_TOO_LONG = _l("At most %(max)d characters")
_NON_NEGATIVE = _l("Must not be negative")
MAX_MONEY = Decimal("999999999999.99")  # Numeric(14,2)
MAX_UNITS = Decimal("99999999.9999")  # Numeric(12,4): share units and 亩
MAX_M2 = Decimal("99999999.99")  # Numeric(10,2)


def _select(label, **kw) -> SelectField:
    return SelectField(label, default="", validate_choice=False, **kw)


def _quantity(label, places: int, maximum: Decimal) -> NumberField:
    return NumberField(label, places=places, validators=[
        Optional(), NumberRange(min=0, max=maximum, message=_l("Enter a number from 0 to %(max)s"))])


class TransferForm(FlaskForm):
    """A new draft: type, parties, object, price, agreement date, voluntariness, consent."""

    type = SelectField(_l("Transaction type"))
    household_from = _select(_l("Transferring household"))
    person_from = _select(_l("Transferring person (share held by a person)"))
    household_to = _select(_l("Receiving household"))
    person_to = _select(_l("Receiving person"))
    heir_id_number = StringField(_l("Heir's ID number (a non-member heir, S-09)"),
                                 validators=[Optional(), Length(max=20, message=_TOO_LONG)])
    share_type = _select(_l("Share type"))
    units = _quantity(_l("Share units"), 4, MAX_UNITS)
    parcel = _select(_l("Parcel"))
    area_mu = _quantity(_l("Area (mu; blank = the parcel's contract area)"), 4, MAX_UNITS)
    homestead = _select(_l("Homestead"))
    area_m2 = _quantity(_l("Area (m²; blank = the plot area)"), 2, MAX_M2)
    price = NumberField(_l("Price (yuan)"), places=2, validators=[
        InputRequired(_l("Please enter the price (0 for none)")),
        NumberRange(min=0, max=MAX_MONEY, message=_NON_NEGATIVE)])
    agreement_date = DateField(_l("Agreement date"), validators=[DataRequired(_l("Please enter the date"))])
    voluntary_applied = BooleanField(_l("Signed voluntary application received (D-08)"))
    voluntary_applied_on = DateField(_l("Application date"), validators=[Optional()])
    voluntary_document = StringField(_l("Application document (file name)"),
                                     validators=[Optional(), Length(max=120, message=_TOO_LONG)])
    resolution = _select(_l("Resolution (buy-back, homestead withdrawal)"))
    counter_parcel = _select(_l("Parcel given back in an exchange (L-12)"))
    consent_note = StringField(_l("Issuer's consent or filing (land exchange and transfer, L-12, L-13)"),
                               validators=[Optional(), Length(max=200, message=_TOO_LONG)])
    notice_on = DateField(_l("Written notice to the issuer on (land return, 6 months, L-09)"),
                          validators=[Optional()])
    retained_rights_until = DateField(_l("Property rights kept until (membership withdrawal, M-18)"),
                                      validators=[Optional()])


class TransferActionForm(VersionField, FlaskForm):
    """One workflow action on a transaction page; carries the version the user saw (optimistic locking)."""

    resolution = _select(_l("Resolution (buy-back, homestead withdrawal)"))
    voluntary_applied_on = DateField(_l("Application date"), validators=[Optional()])
    voluntary_document = StringField(_l("Application document (file name)"),
                                     validators=[Optional(), Length(max=120, message=_TOO_LONG)])
    effective_on = DateField(_l("Effective date (blank = today)"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])


class RegisterFilterForm(FlaskForm):
    """The register's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    type = SelectField(_l("Transaction type"), default="", validate_choice=False)
    state = SelectField(_l("State"), default="", validate_choice=False)
    date_from = DateField(_l("Agreement date from"), validators=[Optional()])
    date_to = DateField(_l("to"), validators=[Optional()])

    def reversed_period(self) -> bool:
        """Both dates read and the start after the end (refused: no period applies, the other filters do)."""
        start, end = self.date_from.data, self.date_to.data
        return bool(start and end and start > end and not self.date_from.errors)

    def validate_date_to(self, field):
        if self.reversed_period():
            raise ValidationError(gettext("The start date %(start)s is after the end date %(end)s",
                                          start=self.date_from.data.isoformat(), end=field.data.isoformat()))
