"""Number fields that accept what clerks type on Chinese Windows (full-width digits, ``，`` grouping).

The value is folded by :func:`registry.excel.normalise.clean_number_text` before WTForms parses it, so
``１００，０００．００`` and ``100,000.00`` read as ``Decimal("100000.00")``; text that is still not a number
gets a Chinese "not a valid number" message (not "please fill in"), and the form is not submitted.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.validators import StopValidation

from registry.excel.normalise import clean_number_text

_NOT_A_NUMBER = _l("Not a valid number: digits with at most one decimal point, e.g. 1200.50")
_NOT_AN_INTEGER = _l("Not a whole number")


class _OneMessage:
    """Text that is not a number gets that one message, not also "required" / "out of range"."""

    def pre_validate(self, form):
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()  # blank input is left to Optional / InputRequired
        super().pre_validate(form)


class NumberField(_OneMessage, DecimalField):
    """``DecimalField`` over :func:`clean_number_text`; ``data`` is a ``Decimal`` or ``None``."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [clean_number_text(valuelist[0])]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_NOT_A_NUMBER)) from None


class WholeNumberField(_OneMessage, IntegerField):
    """``IntegerField`` over :func:`clean_number_text`; ``data`` is an ``int`` or ``None``."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [clean_number_text(valuelist[0])]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_NOT_AN_INTEGER)) from None
