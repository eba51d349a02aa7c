"""User administration (administrator) and a user's own password (issue 13 item 2). Field rules only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

_TOO_LONG = _l("Too long")
_CHOOSE = _l("Please choose a value from the list")


class RoleAreaForm(FlaskForm):
    """Role and area; ``area`` choices are set by the view (every area of the district)."""

    role = SelectField(_l("Role"))
    area = SelectField(_l("Area"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.validators = []
        for field in (self.role, self.area):
            field.pre_validate = _chosen(field)  # a tampered value gets a Chinese message


def _chosen(field):
    def check(form):
        values = {str(v) for v, _label in field.choices}
        if str(field.data) not in values:
            raise ValidationError(str(_CHOOSE))
    return check


class NewUserForm(RoleAreaForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Please enter the username")), Length(max=60, message=_TOO_LONG),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, '.', '-' and '_' only"))])
    display_name = StringField(_l("Display name"), validators=[Length(max=60, message=_TOO_LONG)])


class ActiveForm(FlaskForm):
    active = HiddenField()


class ActionForm(FlaskForm):
    """A plain POST button (CSRF only)."""


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your password"))])
    new = PasswordField(_l("New password (at least 8 characters)"), validators=[
        DataRequired(_l("Please enter the new password")), Length(min=8, max=200,
                                                                  message=_l("At least 8 characters"))])
    repeat = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("new", message=_l("The two new passwords differ"))])
