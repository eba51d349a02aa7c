"""Login and logout forms (CSRF-protected, DESIGN habit 8)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

_TOO_LONG = _l("At most %(max)d characters")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Please enter your username")), Length(max=60, message=_TOO_LONG)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please enter your password")), Length(max=200, message=_TOO_LONG)])


class LogoutForm(FlaskForm):
    """No fields: only the CSRF token, so logging out is a POST that another site cannot forge."""
