"""Roster search form: a GET form (no CSRF — it changes nothing) read from the query string."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from registry.codes import MEMBER_STATUS
from registry.reports.roster.listing import parse_search


class RosterSearchForm(FlaskForm):
    """``q``: name substring, last 4–6 characters of the ID number, or the full ID number;
    ``status``: a membership status code (DOMAIN §6.1) or blank for all."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[
        Optional(), Length(max=60, message=_l("At most %(max)d characters"))],
                    render_kw={"placeholder": _l("Name, pinyin (wxl), last 4–6 ID characters or full ID number")})
    status = SelectField(_l("Membership status"), default="", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("All statuses")), *MEMBER_STATUS.choices()]

    def validate_status(self, field):
        if field.data and field.data not in MEMBER_STATUS:
            raise ValidationError(_l("Unknown membership status"))

    def validate_q(self, field):
        try:
            parse_search(field.data)
        except ValueError:
            raise ValidationError(
                _l("Enter a name, the last 4–6 characters of the ID number, or the full ID number")) from None
