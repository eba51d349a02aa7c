"""Charter settings form (DOMAIN §8). Field shapes only: the rules (A-04, F-04, S-…) are the service's,
so a threshold or notice length below the law reaches the service and is refused with its rule id."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from registry.forms.numbers import WholeNumberField
from registry.services.charter import fields as f

_TOO_LONG = _l("At most %(max)d characters")
_REQUIRED = DataRequired(_l("Please fill in this field"))
_FRACTION_HINT = _l(
    "A fraction of all members, e.g. 3/4; the charter may raise the law's threshold, never lower it (A-04)")

#: Share type code → form field names (weight, counts in the divisor).
SHARE_FIELDS = {code: (f"weight_{code}", f"divisor_{code}") for code in f.SHARE_TYPE_LABELS}


class CharterForm(FlaskForm):
    confirmation_threshold = StringField(_l("Membership confirmation: votes for (law 2/3)"),
                                         validators=[_REQUIRED, Length(max=12, message=_TOO_LONG)],
                                         description=_FRACTION_HINT)
    art15_threshold = StringField(_l("Art. 15 grant to a non-member: votes for (law 3/4)"),
                                  validators=[_REQUIRED, Length(max=12, message=_TOO_LONG)],
                                  description=_FRACTION_HINT)
    quorum_threshold = StringField(_l("Member assembly quorum (law 2/3)"),
                                   validators=[_REQUIRED, Length(max=12, message=_TOO_LONG)],
                                   description=_FRACTION_HINT)
    notice_working_days = WholeNumberField(_l("Roster notice, working days (at least 7, F-04)"),
                                       validators=[InputRequired(_l("Please fill in this field"))])
    withdrawal_consent_body = SelectField(_l("Consent to a withdrawal by (Q-08)"))
    state_payroll_loss_ground = BooleanField(_l("Staff on the state payroll lose membership (Q-05, charter ground)"))
    allow_nested_membership = BooleanField(_l("Members of a group may also be members of the village (Q-06)"))
    holder_unit = SelectField(_l("Shares held per (S-06)"))
    management = SelectField(_l("Share management (S-04)"))
    adjustment_years = WholeNumberField(_l("Dynamic adjustment every … years"), validators=[Optional()])
    weight_population = StringField(_l("Weight of the population share"), validators=[_REQUIRED])
    divisor_population = BooleanField(_l("Population share counts in the divisor"))
    weight_farm_age = StringField(_l("Weight of the farm-age share"), validators=[_REQUIRED])
    divisor_farm_age = BooleanField(_l("Farm-age share counts in the divisor"))
    weight_collective = StringField(_l("Weight of the collective share"), validators=[_REQUIRED])
    divisor_collective = BooleanField(_l("Collective share counts in the divisor (S-07)"))
    weight_contribution = StringField(_l("Weight of the contribution share"), validators=[_REQUIRED])
    divisor_contribution = BooleanField(_l("Contribution share counts in the divisor"))
    weight_other = StringField(_l("Weight of other shares"), validators=[_REQUIRED])
    divisor_other = BooleanField(_l("Other shares count in the divisor"))
    holding_cap_percent = StringField(_l("Holding cap per holder in percent (S-10)"), validators=[_REQUIRED])
    reserve_rate = StringField(_l("Reserve and welfare fund rate (S-11)"), validators=[_REQUIRED],
                               description=_l("A fraction of net income, e.g. 0.30"))
    death_treatment = SelectField(_l("Holders who die during the year (S-16)"))
    article = StringField(_l("Charter article"), validators=[
        DataRequired(_l("Please cite the charter article")), Length(max=200, message=_TOO_LONG)],
        description=_l("e.g. Charter Art. 12"))
    effective_on = DateField(_l("In force from"), validators=[Optional()],
                             description=_l("Blank: today"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.withdrawal_consent_body.choices = list(f.CONSENT_BODY_LABELS.items())
        self.holder_unit.choices = list(f.HOLDER_UNIT_LABELS.items())
        self.management.choices = list(f.MANAGEMENT_LABELS.items())
        self.death_treatment.choices = list(f.DEATH_TREATMENT_LABELS.items())

    def fill(self, view) -> None:
        """Pre-fill every field with the settings in force (``view``: a CharterSettingsView)."""
        for name, value in view.values().items():
            if name == "share_types":
                for code, (weight, counts) in value.items():
                    weight_field, divisor_field = SHARE_FIELDS[code]
                    self[weight_field].data = f.decimal_text(weight)
                    self[divisor_field].data = counts
            elif isinstance(value, bool) or value is None or isinstance(value, int):
                self[name].data = value
            else:
                self[name].data = f.to_stored(name, value)

    def changes(self) -> dict:
        """Every setting as submitted (the service keeps only what differs from the settings in force)."""
        out = {name: self[name].data for name in f.SETTINGS if name != "share_types"}
        for code, (weight_field, divisor_field) in SHARE_FIELDS.items():
            out[f"share_types.{code}.weight"] = self[weight_field].data
            out[f"share_types.{code}.counts_in_divisor"] = self[divisor_field].data
        return out
