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


class _TypedNumber:
    """Folds the typed text (:func:`clean_number_text`) before the WTForms parser; text that is still not a
    number gets the one message ``invalid``, not also "required" / "out of range"."""

    invalid = _NOT_A_NUMBER

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [clean_number_text(valuelist[0])]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid)) from None

    def pre_validate(self, form):
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()  # blank input is left to Optional / InputRequired
        super().pre_validate(form)


class NumberField(_TypedNumber, DecimalField):
    """``DecimalField`` over :func:`clean_number_text`; ``data`` is a ``Decimal`` or ``None``."""


class WholeNumberField(_TypedNumber, IntegerField):
    """``IntegerField`` over :func:`clean_number_text`; ``data`` is an ``int`` or ``None``."""

    invalid = _NOT_AN_INTEGER
