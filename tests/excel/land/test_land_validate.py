"""Land contract register: every row of the messy sample gets its expected outcome and codes; the clean
files (Chinese and NY/T headings) give no error (samples README "Rights registers")."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from registry.excel.land.cells import MU, parse_area, parse_code, parse_code_list, parse_price
from registry.excel.land.columns import SHEETS
from registry.excel.land.rows import CHECKERS, display
from registry.excel.land.validate import RosterView, read_land, validate_land
from registry.excel.normalise import INVALID
from registry.excel.reader import FileError, read_roster
from registry.excel.roster.validate import validate_roster
from tests.conftest import SAMPLES

RIGHTS = SAMPLES / "rights"
TODAY = date(2026, 1, 5)
SPECS = {s.title: s.columns for s in SHEETS}
KEYS = {s.title: s.key for s in SHEETS}
COUNTS = {"370305100201": (85, 329, 322, 25, 3), "370305100202": (203, 772, 741, 67, 8),
          "370305102201": (384, 1378, 1340, 138, 15)}


def roster_view(code: str) -> RosterView:
    sheet = read_roster((SAMPLES / f"roster_{code}.xlsx").read_bytes())
    members: dict[str, set[str]] = {}
    household_of = {}
    for r in validate_roster(sheet.rows(), today=TODAY).rows:
        members.setdefault(r.values["household_no"], set()).add(r.values["id_number"])
        household_of[r.values["id_number"]] = r.values["household_no"]
    return RosterView({k: frozenset(v) for k, v in members.items()}, household_of)


def check(path, code):
    return validate_land(read_land(path.read_bytes()), code, roster_view(code), today=TODAY)


def _near(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def test_messy_land_every_row_matches_expected_file():
    result = check(RIGHTS / "land_messy_370305100201.xlsx", "370305100201")
    expected = json.loads((RIGHTS / "land_messy_370305100201.expected.json").read_text("utf-8"))
    got = result.all_rows()
    assert [(r.sheet, r.row) for r in got] == [(e["sheet"], e["row"]) for e in expected]
    wrong = []
    for r, e in zip(got, expected):
        if r.outcome != e["outcome"] or r.codes != sorted(e["codes"]):
            wrong.append((r.sheet, r.row, r.outcome, r.codes, e["codes"], [i.message_zh for i in r.errors]))
            continue
        shown = {SPECS[r.sheet].heading(k): display(KEYS[r.sheet], k, v) for k, v in r.values.items()}
        for heading, value in e["normalised"].items():
            if not _near(shown.get(heading) or "", value):
                wrong.append((r.sheet, r.row, heading, shown.get(heading), value))
        # what the import lists as cleaned is cleaned in the expected file too (a date cell shown in
        # another format cannot be told from the cell: the expected file may list more)
        if not set(r.normalised) <= set(e["normalised"]):
            wrong.append((r.sheet, r.row, r.normalised, e["normalised"]))
    assert wrong == []
    accepted = [r for r in got if r.outcome == "accepted"]
    assert (len(accepted), len(got) - len(accepted)) == (159, 65)


@pytest.mark.parametrize("code", sorted(COUNTS))
def test_clean_land_files_have_no_error_only_the_married_out_coholders(code):
    result = check(RIGHTS / f"land_{code}.xlsx", code)
    contractors, parcels, coholders, circulations, left = COUNTS[code]
    assert [len(result.rows[k]) for k in ("contractors", "parcels", "coholders", "circulations")] == [
        contractors, parcels, coholders, circulations]
    assert result.code_counts() == Counter({"coholder.left_household": left})
    assert all(not r.normalised for r in result.all_rows())


def test_nyt_headed_file_reads_like_the_chinese_one():
    """L-22: the 确权 export (NY/T 2539 field codes, no 户编号: households found by CBFZJHM)."""
    nyt = check(RIGHTS / "land_370305100202_nyt.xlsx", "370305100202")
    zh = check(RIGHTS / "land_370305100202.xlsx", "370305100202")
    assert nyt.code_counts() == Counter({"coholder.left_household": 8})
    for key in ("parcels", "coholders", "circulations"):
        assert [r.values for r in nyt.rows[key]] == [r.values for r in zh.rows[key]]
    assert nyt.household_of == zh.household_of


@pytest.mark.parametrize("raw,expected", [
    (1.5, "1.5000"), ("1.5亩", "1.5000"), ("１．２", "1.2000"), ("\xa01.0253 ", "1.0253"), ("110.88平方米", "110.8800"),
    ("120.84㎡", "120.8400"), ("2.9129亩", "2.9129"), (3, "3.0000")])
def test_area_readings(raw, expected):
    assert str(parse_area(raw)) == expected


@pytest.mark.parametrize("raw", ["一亩多", "约150", "待测", 0, 0.0, -1.2, "-1", "1e3", "1.5 亩多", True,
                                 float("nan"), float("inf"), "123456789", date(2020, 1, 1),
                                 1e300, -1e300, 10**30, "1" + "0" * 40, "１" * 50, 1.2345678901234568e+29])
def test_area_refusals(raw):
    """Far beyond Numeric(12,4) (more digits than rounding to 4 places can hold) is refused, not a crash."""
    assert parse_area(raw) is INVALID


def test_area_and_price_caps_are_applied_after_rounding():
    assert str(parse_area("99999999.99994")) == "99999999.9999" and parse_area("99999999.99995") is INVALID
    assert str(parse_price("999999999999.994")) == "999999999999.99" and parse_price("999999999999.995") is INVALID
    assert all(parse_price(v) is INVALID for v in (1e300, -1e300, 10**30, "9" * 40, -0.01))


@pytest.mark.parametrize("cell,expected", [(5, ([], 5)), ("5", ([], 5)), (0, ([], 0)), ("五口", ([], None)),
                                           ("1" * 5000, ([], None)), (-3, (["count.invalid"], None)),
                                           (1e300, (["count.invalid"], None)), (2**31, (["count.invalid"], None))])
def test_member_count_is_a_whole_number_the_database_holds(cell, expected):
    """家庭成员数 (CBFCYSL): text that is not a whole number is informational and left out; a negative or
    too large number is ``count.invalid`` (it used to fail the database's check constraint)."""
    row = CHECKERS["contractors"]("370305100201", TODAY)(4, {"member_count": cell})
    assert ([c for c in row.codes if c == "count.invalid"], row.values["member_count"]) == expected


@pytest.mark.parametrize("raw,expected", [
    ("1.50 亩", "1.5000"), ("1.5\u200b亩", "1.5000"), ("１．５\u3000亩", "1.5000"), ("110.88平方米", INVALID),
    ("1.5㎡", INVALID), ("1.5 m²", INVALID)])
def test_land_area_columns_are_in_mu(raw, expected):
    """合同面积, 实测面积, 流转面积 are in 亩 (RIGHTS.md): spaces of any width before 亩 are fine, an m² unit is
    another quantity, not 110.88 亩 (area.invalid)."""
    got = parse_area(raw, MU)
    assert got is INVALID if expected is INVALID else str(got) == expected


@pytest.mark.parametrize("raw,expected", [
    ("370305100201010005\u200b", "370305100201010005"), ("３７０３０５１００２０１０４０００４", "370305100201040004"),
    ("'370305100201010005", "370305100201010005")])
def test_code_cleaning(raw, expected):
    assert parse_code(raw, 18) == expected


@pytest.mark.parametrize("raw", ["3.70305E+17", 3.70305100201e17, "37030510020103000", "3703051002010 30000",
                                 "3703051002010500O1"])
def test_code_refusals(raw):
    assert parse_code(raw, 18) is INVALID


def test_parcel_list_separators():
    assert parse_code_list("1、2，3,4;5；6 7") == ["1", "2", "3", "4", "5", "6", "7"]


def test_roster_file_is_not_a_land_register():
    with pytest.raises(FileError) as err:
        read_land((SAMPLES / "roster_370305100201.xlsx").read_bytes())
    assert err.value.code in ("file.missing_column", "file.no_header")


def test_long_text_is_refused_not_cut():
    check = CHECKERS["parcels"]("370305100201", TODAY)
    row = check(4, {"code": "3703051002010100016", "contractor_code": "370305100201010005", "name": "长" * 61,
                    "contract_area": 1.0})
    assert row.codes == ["value.too_long"]
