"""Member search form: the roster's search box, read as a name prefix (registry.reports.member_search)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from registry.forms.roster import RosterSearchForm
from registry.reports.member_search import NotAName, parse_member_search


class MemberSearchForm(RosterSearchForm):
    """``q``: the first characters of a name, the last 4–6 ID characters or the full ID number;
    ``status``: a membership status code or blank for all; ``holds``: only members whose household holds
    a right ("homestead": a homestead in use). GET form, no CSRF."""

    holds = SelectField(_l("Holds"), default="", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.holds.choices = [("", _l("Any")), ("homestead", _l("A homestead in use"))]

    def validate_q(self, field):
        try:
            parse_member_search(field.data)
        except NotAName:
            raise ValidationError(
                _l("A name may hold only letters and the separator “·”; enter its first characters")) from None
        except ValueError:
            raise ValidationError(
                _l("Enter a name, the last 4–6 characters of the ID number, or the full ID number")) from None
