"""A date field that reads what clerks type (a browser without a date picker, or a pasted value):
``2025-03-01``, ``2025.3.1``, ``2025/3/1``, ``2025年3月1日``, ``20250301`` and full-width digits, the way the
imports read a date cell (:func:`registry.excel.normalise.parse_date`). Text that is still not a date (or an
impossible one, ``2025.2.30``) gets the one message "not a valid date" — never "please enter the date"."""
from __future__ import annotations

import datetime as dt

from flask import abort, request
from flask_babel import gettext, lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms.validators import StopValidation

from registry.excel.normalise import parse_date

_NOT_A_DATE = _l("Not a valid date, e.g. 2025-03-01 or 2025.3.1")


class DateField(_DateField):
    """``wtforms.DateField`` over :func:`parse_date`; ``data`` is a ``date`` or ``None``."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        if not text:
            self.data = None
            return
        value = parse_date(text)
        if isinstance(value, dt.date):
            self.data = value
            return
        self.data = None
        raise ValueError(str(_NOT_A_DATE))

    def pre_validate(self, form):
        if self.process_errors and self.raw_data and " ".join(self.raw_data).strip():
            raise StopValidation()  # a typed non-date keeps its message; blank is left to the validators
        super().pre_validate(form)


def date_arg(name: str) -> dt.date | None:
    """The date in the address's ``?name=`` read like :class:`DateField` (2025.3.1, 2025年3月1日 …); blank is
    None; text that is not a date aborts 400 with "Enter a date as YYYY-MM-DD" — never a silent fallback to
    the current register, today or the whole period."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    day = parse_date(text)
    if not isinstance(day, dt.date):
        abort(400, gettext("Enter a date as YYYY-MM-DD"))
    return day
