"""clean_number_text: numbers as typed with a Chinese IME fold to ASCII; non-numbers stay non-numbers."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest

from registry.excel.normalise import clean_number_text


@pytest.mark.parametrize("typed, expected", [
    ("０．３５", "0.35"), ("３／４", "3/4"), ("３０％", "30%"), ("100,000.00", "100000.00"),
    ("１００，０００．００", "100000.00"), ("1,234,567", "1234567"), (" 12　", "12"), ("12。5", "12.5"),
    ("-1,000", "-1000"),
])
def test_typed_numbers_fold_to_ascii(typed, expected):
    assert clean_number_text(typed) == expected


@pytest.mark.parametrize("typed", ["1,00", "10万", "1,0000.5", "abc", "1.2.3"])
def test_what_is_not_a_grouped_number_stays_invalid(typed):
    with pytest.raises(InvalidOperation):
        Decimal(clean_number_text(typed))
