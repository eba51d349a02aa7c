"""Dispute forms (M-22). Field rules only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry.forms.members import PrefixedForm
from registry.services.membership.disputes import OUTCOME_LABELS, STAGE_LABELS

_TOO_LONG = _l("At most %(max)d characters")


class OpenDisputeForm(PrefixedForm):
    PREFIX = "dsp"
    applicant = StringField(_l("Applicant"), validators=[DataRequired(_l("Please enter the applicant")),
                                                         Length(max=60, message=_TOO_LONG)])
    subject = TextAreaField(_l("Decision disputed and claim"), validators=[
        DataRequired(_l("Please describe the dispute")), Length(max=2000, message=_TOO_LONG)])
    stage = SelectField(_l("Stage"), default="town_mediation")
    opened_on = DateField(_l("Accepted on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = list(STAGE_LABELS.items())


class StageForm(PrefixedForm):
    PREFIX = "stage"
    stage = SelectField(_l("Next stage"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = list(STAGE_LABELS.items())


class CloseDisputeForm(PrefixedForm):
    PREFIX = "close"
    outcome = SelectField(_l("Outcome"))
    note = TextAreaField(_l("Mediation agreement, award or judgment"),
                         validators=[Optional(), Length(max=2000, message=_TOO_LONG)])
    closed_on = DateField(_l("Closed on"), validators=[Optional()])
    correct = BooleanField(_l("Correct the decision now (when it was overturned)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = list(OUTCOME_LABELS.items())
