"""Forms of the member assembly screens: civil-capacity flags (A-07), the representative assembly
(A-08). Field rules only; the rules are in ``registry.services.assembly``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

_TOO_LONG = _l("At most %(max)d characters")
_DATE = _l("Enter a date as YYYY-MM-DD")


class CapacityForm(FlaskForm):
    limited = BooleanField(_l("Limited civil capacity (out of the assembly's base)"))
    limited_basis = StringField(_l("Basis (e.g. court ruling)"), validators=[
        Optional(), Length(max=500, message=_TOO_LONG)])
    limited_since = DateField(_l("Since"), validators=[Optional()])
    self_supporting = BooleanField(_l("Aged 16–17, living mainly on own labour income"))
    self_supporting_basis = StringField(_l("Basis (e.g. labour contract, income proof)"), validators=[
        Optional(), Length(max=500, message=_TOO_LONG)])


class DeclarationForm(FlaskForm):
    declared = SelectField(_l("Signed declaration of no other membership (M-17)"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.declared.choices = [("", _l("Not recorded")), ("yes", _l("Signed")), ("no", _l("Not signed"))]

    def value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.declared.data)


class RepresentativesForm(FlaskForm):
    elected_on = DateField(_l("Election date"), validators=[InputRequired(_DATE)])
    members = TextAreaField(_l("Representatives (names or ID numbers, one per line)"), validators=[
        InputRequired(_l("Please list the representatives")), Length(max=60_000, message=_TOO_LONG)])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])


class NestedMembershipForm(FlaskForm):
    allowed = BooleanField(_l("A group-level member may also be a village-level member (M-16)"))
    basis = StringField(_l("Basis (charter article or resolution)"), validators=[
        Optional(), Length(max=500, message=_TOO_LONG)])
