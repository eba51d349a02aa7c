"""Resident ID rules I-01..I-05 (registry/identity.py)."""
from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from registry.identity import check_character, normalise_resident_id

TODAY = date(2026, 1, 5)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MAP = "10X98765432"


def reference_check(first17: str) -> str:
    """I-02 written out independently of the implementation under test."""
    return _MAP[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def norm(raw):
    return normalise_resident_id(raw, today=TODAY)


def test_I02_check_character_standard_sample():
    res = norm("11010519491231002X")
    assert res.ok and res.value == "11010519491231002X"
    assert check_character("11010519491231002") == "X"


@pytest.mark.parametrize("first17", ["37030519630724301", "37030519710724355", "11010519491231002",
                                     "37032119630518606", "37030520060303038", "00000000000000000"])
def test_I02_check_character_matches_weights(first17):
    assert check_character(first17) == reference_check(first17)


def test_I02_lowercase_x_is_stored_upper_case():
    res = norm("37030520060303038x")
    assert res.ok and res.value == "37030520060303038X"


def test_I02_wrong_check_character_is_id_checksum():
    res = norm("370305199208305036")
    assert res.error == "id.checksum" and res.value is None


def test_I02_address_3703_before_1983_is_valid_unlike_stdnum_validate():
    # stdnum.cn.ric.validate() rejects this valid number (address-code table); we must not.
    assert not ric.is_valid("37030519430730582X")
    res = norm("37030519430730582X")
    assert res.ok and res.birth_date == date(1943, 7, 30) and res.sex == "2"


@pytest.mark.parametrize("raw", ["37030519900100222", "3703052025051662388", "37030519900105222A",
                                 "X70305199001052221", "3703051990-0105222", "ABC"])
def test_I01_wrong_length_or_letter_is_id_format(raw):
    assert norm(raw).error == "id.format"


def test_I01_full_width_and_trimmed_input_is_normalised():
    assert norm("３７０３０５１９７１０７２４３５５Ｘ").value == "37030519710724355X"
    assert norm("\u200b370305200504199999 ").value == "370305200504199999"
    assert norm("\t37030520181105548X").value == "37030520181105548X"
    assert norm("370305196111195998\u3000").value == "370305196111195998"
    assert norm("'370305196111195998").value == "370305196111195998"   # text marker / export prefix


def test_I03_impossible_birth_date_is_id_birthdate():
    assert norm("370305200202305784").error == "id.birthdate"   # 30 Feb
    assert norm("370305199111312270").error == "id.birthdate"   # 31 Nov


def test_I03_birth_date_after_today_is_id_birthdate():
    first17 = "37030520260601123"
    number = first17 + reference_check(first17)
    assert normalise_resident_id(number, today=date(2026, 5, 31)).error == "id.birthdate"
    assert normalise_resident_id(number, today=date(2026, 6, 1)).ok


def test_I04_sex_from_parity_of_digit_17():
    male, female = norm("370305196307243015"), norm("370305196712147764")
    assert (male.sex, female.sex) == ("1", "2")
    assert male.birth_date == date(1963, 7, 24)


def test_I05_legacy15_upgrade_keeps_original_and_warns():
    res = norm("370305571109942")
    assert res.ok and res.warning == "id.legacy15"
    assert res.value == "370305195711099428"
    assert res.original == "370305571109942"
    assert res.birth_date == date(1957, 11, 9) and res.sex == "2"
    assert norm("370305630123279").value == "370305196301232796"


def test_I05_legacy15_with_impossible_date_is_id_birthdate():
    assert norm("370305571131942").error == "id.birthdate"


@pytest.mark.parametrize("raw", [3.70305195005079e17, 370305195005079000, 370305571109942.0,
                                 "3.70305E+17", "3.70305e+17", "３.７０３０５Ｅ+１７"])
def test_numeric_or_scientific_cell_is_id_precision_lost(raw):
    res = norm(raw)
    assert res.error == "id.precision_lost" and res.value is None


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\u00a0\u200b"])
def test_blank_is_id_missing(raw):
    assert norm(raw).error == "id.missing"


def test_valid_result_has_no_error_or_warning():
    res = norm("370305196307243015")
    assert res.ok and res.error is None and res.warning is None and res.original == res.value
