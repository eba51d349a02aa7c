"""Forms of the filing workflow: notice, objections, assembly resolution, town return and the
plain action buttons (POST + CSRF, no fields). Field rules only; the domain rules are in
``registry.services`` (notices, resolutions, filings)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from registry.forms.concurrency import SubmissionField, VersionField
from registry.forms.numbers import WholeNumberField
from registry.services.filing.resolutions import BODIES, MEMBER_ASSEMBLY, SUBJECTS

_TOO_LONG = _l("At most %(max)d characters")
_DATE = _l("Enter a date as YYYY-MM-DD")
_COUNT = _l("Enter a whole number of 0 or more")
#: Upper bound of every head count: keeps absurd input (99999999999999999999) out of the database
#: integer range; the largest organisation of the district has a few thousand members.
MAX_COUNT = 1_000_000
MAX_TEXT = 60_000  # a name list of the largest organisation
_RANGE = _l("Enter a whole number from %(min)s to %(max)s")

BODY_CHOICES = [(MEMBER_ASSEMBLY, _l("Member assembly")), ("representative", _l("Representative assembly"))]
SUBJECT_CHOICES = [
    ("membership_confirmation", _l("Membership confirmation")),
    ("charter", _l("Charter")),
    ("withdrawal_consent", _l("Consent to withdrawal")),
    ("art15_grant", _l("Art. 15 grant to a non-member")),
    ("quantification_plan", _l("Share quantification plan")),
    ("distribution_plan", _l("Income distribution plan")),
    ("land_contract_plan", _l("Land contracting plan")),
    ("homestead_plan", _l("Homestead use plan")),
    ("land_compensation", _l("Allocation of land compensation")),
    ("merger_division", _l("Merger or division")),
    ("other", _l("Other matter")),
]
# The choices cover exactly the services' vocabularies (DOMAIN §2.10).
assert {c for c, _ in BODY_CHOICES} == set(BODIES) and {c for c, _ in SUBJECT_CHOICES} == set(SUBJECTS)


class ActionForm(VersionField, FlaskForm):
    """No visible fields: the CSRF token makes a button a safe POST (submit, record, receive, …); the
    hidden version is the filing's as the page showed it (optimistic locking)."""


class NoticeForm(VersionField, FlaskForm):
    posted_on = DateField(_l("Date posted"), validators=[InputRequired(_DATE)])
    ends_on = DateField(_l("End date (optional)"), validators=[Optional()],
                        description=_l("Leave blank to use the minimum notice period"))
    place = StringField(_l("Place posted"), validators=[Optional(), Length(max=200, message=_TOO_LONG)])

    def validate_ends_on(self, field):
        if field.data and self.posted_on.data and field.data <= self.posted_on.data:
            raise ValidationError(_l("The end date must be after the date posted"))


class ObjectionForm(SubmissionField, FlaskForm):
    text = TextAreaField(_l("Objection"), validators=[
        DataRequired(_l("Please describe the objection")), Length(max=2000, message=_TOO_LONG)])
    raised_by = StringField(_l("Raised by"), validators=[
        DataRequired(_l("Please enter who raised the objection")), Length(max=60, message=_TOO_LONG)])


class ResolveObjectionForm(VersionField, FlaskForm):
    note = TextAreaField(_l("How it was handled"), validators=[
        DataRequired(_l("Please describe how the objection was handled")), Length(max=2000, message=_TOO_LONG)])


class ResolutionForm(SubmissionField, VersionField, FlaskForm):
    body = SelectField(_l("Meeting"), default=MEMBER_ASSEMBLY)
    subject = SelectField(_l("Subject"), default="membership_confirmation")
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200, message=_TOO_LONG)])
    notice_date = DateField(_l("Meeting notice date"), validators=[InputRequired(_DATE)])
    meeting_date = DateField(_l("Meeting date"), validators=[InputRequired(_DATE)])
    in_person = TextAreaField(_l("Attended in person (names, or a count)"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)],
        description=_l("Names or ID numbers separated by commas or lines, or only the number present"))
    online = TextAreaField(_l("Attended online (names, or a count)"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)])
    proxies = TextAreaField(_l("Written proxies (one per line: absent member, holder)"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)],
        description=_l("The holder must be an adult member of the same household (A-06)"))
    votes_for = WholeNumberField(_l("Votes for"), validators=[
        InputRequired(_COUNT), NumberRange(min=0, max=MAX_COUNT, message=_RANGE)])
    party_pre_discussion_date = DateField(_l("Party pre-discussion date (optional)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.choices = BODY_CHOICES
        self.subject.choices = SUBJECT_CHOICES

    def facts(self) -> dict:
        """The resolution facts as keyword arguments for the services."""
        return {name: getattr(self, name).data for name in (
            "body", "subject", "title", "notice_date", "meeting_date", "in_person", "online", "proxies",
            "votes_for", "party_pre_discussion_date")} | {"submission": self.submission_token()}


class FilingResolutionForm(ResolutionForm):
    """The filing page's resolution: only a membership confirmation (M-02) decides a roster filing, so it is
    the one subject offered; other matters are recorded on the assembly's resolutions page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject.choices = [c for c in SUBJECT_CHOICES if c[0] == "membership_confirmation"]


class ReturnForm(VersionField, FlaskForm):
    reason = TextAreaField(_l("Reason for return"), validators=[
        DataRequired(_l("A reason is required to return a filing (F-08)")), Length(max=2000, message=_TOO_LONG)])
