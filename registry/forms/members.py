"""Forms of the membership change operations (field rules only; the domain rules are in
``registry.services.membership.transitions`` and friends). Choices come from ``registry.codes``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from registry.codes import (
    ACQUISITION_GROUND,
    ID_TYPE,
    LOSS_GROUND,
    MEMBER_REMARK,
    RELATION,
    RETENTION_FLAG,
    SEX,
)

_TOO_LONG = _l("At most %(max)d characters")
_DATE = _l("Enter a date as YYYY-MM-DD")
_BLANK = ("", "—")
YES_NO_BLANK = [("", "—"), ("1", "是"), ("0", "否")]


def tri_state(value: str | None) -> bool | None:
    return None if value in (None, "") else value == "1"


class PrefixedForm(FlaskForm):
    """Several change forms share the member page: each has its own field-name prefix so that a
    re-rendered page fills only the form that was submitted."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AddMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name")),
                                               Length(max=60, message=_TOO_LONG)])
    id_type = SelectField(_l("ID document type"), default="1")
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Please enter the ID number")),
                                                         Length(max=20, message=_TOO_LONG)])
    sex = SelectField(_l("Sex"), default="", description=_l("Taken from a resident ID when left blank"))
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    ground = SelectField(_l("Acquisition ground"), validators=[DataRequired()])
    acquired_at = DateField(_l("Acquired on"), validators=[Optional()],
                            description=_l("Blank: the date of birth for a birth, else today"))
    household_id = SelectField(_l("Household"), default="", validate_choice=False)
    new_household = StringField(_l("New household number"), validators=[Optional(), Length(max=4, message=_TOO_LONG)],
                                description=_l("Only when the person heads a new household"))
    relation = SelectField(_l("Relation to head"), validators=[DataRequired()])
    remark = SelectField(_l("Member remark"), default="")
    hukou_place = StringField(_l("Hukou place"), validators=[Optional(), Length(max=120, message=_TOO_LONG)])
    hukou_in_org = SelectField(_l("Hukou in this organisation"), default="")
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30, message=_TOO_LONG)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=500, message=_TOO_LONG)])

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.id_type.choices = [(c, label) for c, label in ID_TYPE.choices() if c != "3"]
        self.sex.choices = [_BLANK, *SEX.choices()]
        self.ground.choices = ACQUISITION_GROUND.choices()
        self.household_id.choices = [("", _l("— new household —")), *households]
        self.relation.choices = RELATION.choices()
        self.remark.choices = [_BLANK, *MEMBER_REMARK.choices()]
        self.hukou_in_org.choices = YES_NO_BLANK


class EndForm(PrefixedForm):
    PREFIX = "end"
    ground = SelectField(_l("Loss ground"), validators=[DataRequired()])
    lost_at = DateField(_l("Lost on"), validators=[InputRequired(_DATE)])
    citation = StringField(_l("Charter article or law cited"),
                           validators=[Optional(), Length(max=200, message=_TOO_LONG)],
                           description=_l("Required for the ground \"charter or law\" (M-09)"))
    evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=1000, message=_TOO_LONG)],
                             description=_l("For membership elsewhere: proof of the new membership (M-12)"))
    note = TextAreaField(_l("Reason / note"), validators=[Optional(), Length(max=1000, message=_TOO_LONG)])
    contract_based = BooleanField(_l("Contract-based civil servant (聘任制)"))
    retained_rights_until = DateField(_l("Existing rights kept until"), validators=[Optional()],
                                      description=_l("Membership elsewhere or civil servant only (M-10)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ground.choices = [(c, label) for c, label in LOSS_GROUND.choices() if c != "withdrawal"]


class WithdrawForm(PrefixedForm):
    PREFIX = "wd"
    applied_on = DateField(_l("Written application dated"), validators=[Optional()])
    resolution_id = SelectField(_l("Consent resolution"), default="", validate_choice=False)
    effective_on = DateField(_l("Effective on"), validators=[Optional()],
                             description=_l("Blank: the date of the consent resolution"))
    retained_rights_until = DateField(_l("Existing rights kept until"), validators=[Optional()])
    note = TextAreaField(_l("Agreed compensation"), validators=[Optional(), Length(max=1000, message=_TOO_LONG)])

    def __init__(self, *args, resolutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution_id.choices = [("", "—"), *resolutions]


class RejectionForm(PrefixedForm):
    PREFIX = "rej"
    reason = TextAreaField(_l("Written reason for not confirming"),
                           validators=[Optional(), Length(max=1000, message=_TOO_LONG)])
    clear = BooleanField()


class FlagsForm(PrefixedForm):
    PREFIX = "flags"
    flags = MultiCheckboxField(_l("Retention (status unchanged)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.flags.choices = RETENTION_FLAG.choices()


class HukouForm(PrefixedForm):
    PREFIX = "hukou"
    place = StringField(_l("New hukou place"), validators=[Optional(), Length(max=120, message=_TOO_LONG)])
    in_organization = SelectField(_l("Hukou in this organisation"), default="")
    moved_at = DateField(_l("Moved on"), validators=[InputRequired(_DATE)])
    moved_to_town = BooleanField(_l("Moved to a town or city"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_organization.choices = YES_NO_BLANK


class MoveForm(PrefixedForm):
    PREFIX = "move"
    household_id = SelectField(_l("To household"), validate_choice=False)
    relation = SelectField(_l("Relation to head"), validators=[DataRequired()])
    on_date = DateField(_l("Date of the change"), validators=[Optional()])

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.household_id.choices = list(households)
        self.relation.choices = RELATION.choices()


class SplitForm(PrefixedForm):
    """The relation of each member to the new head comes as ``rel-<membership id>`` selects."""

    PREFIX = "split"
    new_number = StringField(_l("New household number"), validators=[
        DataRequired(_l("Please enter the new household number")), Length(max=4, message=_TOO_LONG)])
    on_date = DateField(_l("Date of the change"), validators=[Optional()])


class HeadForm(PrefixedForm):
    PREFIX = "head"
    new_head = SelectField(_l("New head"), validate_choice=False)
    old_head_relation = SelectField(_l("Old head's new relation (if still in the household)"), default="")
    on_date = DateField(_l("Date of the change"), validators=[Optional()])

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.new_head.choices = list(members)
        self.old_head_relation.choices = [_BLANK, *RELATION.choices()]


class AcknowledgeForm(FlaskForm):
    """The town officer's review of one W-02 flag (prefix ``flag-<id>``)."""

    note = TextAreaField(_l("Review note"), validators=[Optional(), Length(max=1000, message=_TOO_LONG)])
