"""Art. 15 grant form (M-19). Field rules only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.codes import ID_TYPE, SEX
from registry.forms.members import MultiCheckboxField
from registry.forms.numbers import NumberField
from registry.services.membership.grants import RIGHT_LABELS

_TOO_LONG = _l("At most %(max)d characters")


class GrantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name")),
                                               Length(max=60, message=_TOO_LONG)])
    id_type = SelectField(_l("ID document type"), default="1")
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Please enter the ID number")),
                                                         Length(max=20, message=_TOO_LONG)])
    sex = SelectField(_l("Sex"), default="")
    resolution_id = SelectField(_l("Art. 15 resolution (≥ 3/4 of all members)"), default="", validate_choice=False)
    rights = MultiCheckboxField(_l("Rights granted"))
    units = NumberField(_l("Distribution units"), places=4, validators=[
        Optional(), NumberRange(min=0, message=_l("Enter a number of 0 or more"))])
    valid_from = DateField(_l("From"), validators=[Optional()])
    valid_to = DateField(_l("Until"), validators=[Optional()])
    reason = TextAreaField(_l("Work for and contribution to the organisation"), validators=[
        DataRequired(_l("Please give the reason")), Length(max=1000, message=_TOO_LONG)])

    def __init__(self, *args, resolutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.id_type.choices = [(c, label) for c, label in ID_TYPE.choices() if c != "3"]
        self.sex.choices = [("", "—"), *SEX.choices()]
        self.resolution_id.choices = [("", "—"), *resolutions]
        self.rights.choices = list(RIGHT_LABELS.items())
