"""Audit log filter: a GET form (no CSRF — it changes nothing) read from the query string."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp


class AuditFilterForm(FlaskForm):
    """``action``: one recorded action or blank for all; ``area``: a division-code prefix (6–12 digits)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), default="", validate_choice=False)
    area = StringField(_l("Area code"), validators=[
        Optional(), Regexp(r"^\d{6,12}$", message=_l("Enter 6 to 12 digits of a division code"))],
        render_kw={"placeholder": _l("e.g. 370305100")})

    def set_actions(self, choices: list[tuple[str, str]]) -> None:
        self.action.choices = [("", _l("All actions")), *choices]
