"""Roster normalisation and validation (registry/excel/roster.py, normalise.py; samples README rules)."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from registry.codes import ID_TYPE, MEMBER_STATUS, RELATION, SEX, label, lookup
from registry.excel.columns import BY_KEY
from registry.excel.reader import read_roster
from registry.excel.roster.validate import check_row, display_values, validate_roster

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
TODAY = date(2026, 1, 5)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(birth: str, seq: str = "301", addr: str = "370305") -> str:
    body = addr + birth + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _W)) % 11]


HEAD_ID, WIFE_ID, SON_ID = make_id("19630724", "301"), make_id("19671214", "776"), make_id("19940403", "709")


def raw(**over):
    row = {"seq": 1.0, "group": 1.0, "household_no": "0001", "head_name": "赵会明", "name": "赵会明",
           "sex": "男", "id_type": "居民身份证", "id_number": HEAD_ID, "relation": "户主",
           "birth_date": date(1963, 7, 24), "hukou_place": "淄博市临淄区齐都镇西石桥村",
           "hukou_in_village": "是",
           "status": "正式成员", "acquisition_ground": "改革确认", "acquired_at": date(2019, 6, 8),
           "remark": None, "population_shares": 1.0, "farm_age_shares": 30.0, "total_shares": 31.0,
           "phone": "13800009817", "notes": None}
    row.update(over)
    return row


def one(**over):
    return check_row(4, raw(**over), today=TODAY)


def codes(**over):
    return one(**over).codes


def run(*rows):
    return validate_roster(((n, r) for n, r in enumerate(rows, start=4)), today=TODAY)


# --- the sample files -----------------------------------------------------------------------------------
def test_samples_messy_every_row_matches_expected_file():
    sheet = read_roster((SAMPLES / "roster_messy.xlsx").read_bytes())
    raw_rows = dict(sheet.rows())
    check = validate_roster(sheet.rows(), today=TODAY)
    expected = json.loads((SAMPLES / "roster_messy.expected.json").read_text("utf-8"))
    assert [r.row for r in check.rows] == [e["row"] for e in expected]
    for result, exp in zip(check.rows, expected):
        where = f"row {exp['row']}"
        assert result.outcome == exp["outcome"], where
        assert result.codes == sorted(exp["codes"]), where
        if result.outcome != "accepted":
            continue
        shown = display_values(result.values)
        for heading, value in exp["normalised"].items():
            assert shown[heading] == value, (where, heading)
        # fields not listed are stored as read
        for key, cell in raw_rows[exp["row"]].items():
            heading = BY_KEY[key].heading
            if heading in exp["normalised"] or cell is None:
                continue
            if isinstance(cell, str):
                assert shown[heading] == cell, (where, heading)
            elif isinstance(cell, date):
                assert shown[heading] == cell.isoformat(), (where, heading)
            else:
                assert Decimal(shown[heading]) == Decimal(repr(cell)), (where, heading)
    counts = check.code_counts()
    assert counts["id.precision_lost"] == 4 and counts["duplicate.in_file"] == 4
    assert counts["household.multiple_heads"] == 4 and counts["household.no_head"] == 3
    assert len(check.accepted) == 54
    assert sum(1 for e in expected if e["normalised"]) == 36


@pytest.mark.parametrize("name,members,households", [
    ("roster_370305100201", 347, 94), ("roster_370305100202", 804, 225), ("roster_370305102201", 1446, 427)])
def test_samples_clean_rosters_give_no_codes(name, members, households):
    check = validate_roster(read_roster((SAMPLES / f"{name}.xlsx").read_bytes()).rows(), today=TODAY)
    assert not check.code_counts() and check.ok
    assert (check.member_count, check.household_count) == (members, households)


def test_samples_clean_roster_keeps_hukou_elsewhere_and_pending_members():
    check = validate_roster(read_roster((SAMPLES / "roster_370305102201.xlsx").read_bytes()).rows(), today=TODAY)
    values = [r.values for r in check.rows]
    assert sum(1 for v in values if v["status"] == "pending") == 2
    assert any(v["hukou_in_village"] is False and v["status"] == "confirmed" for v in values)
    assert {v["id_number"][:6] for v in values} > {"370305"}     # I-06: other address codes kept
    assert {"reform", "birth", "marriage"} <= {v["acquisition_ground"] for v in values}


# --- one rule at a time ---------------------------------------------------------------------------------
def test_valid_row_normalised_python_values():
    v = one(group="01", phone=13800009817.0, remark="外嫁女").values
    assert v["id_number"] == HEAD_ID and v["sex"] == "1" and v["relation"] == "02" and v["id_type"] == "1"
    assert v["birth_date"] == date(1963, 7, 24) and v["acquired_at"] == date(2019, 6, 8)
    assert v["hukou_in_village"] is True and v["status"] == "confirmed"
    assert v["acquisition_ground"] == "reform"
    assert v["remark"] == "1" and v["group"] == "01" and v["household_no"] == "0001" and v["seq"] == 1
    assert v["population_shares"] == Decimal("1") and v["farm_age_shares"] == Decimal("30")
    assert v["phone"] == "13800009817" and v["village_code"] is None and v["id_original"] is None


def test_text_cells_nfkc_and_trimmed():
    v = one(name="\u3000赵会明\u00a0", hukou_place=" 淄博市\t", notes="\u200b备注ＡＢ１ ").values
    assert (v["name"], v["hukou_place"], v["notes"]) == ("赵会明", "淄博市", "备注AB1")


def test_free_text_keeps_chinese_punctuation():
    v = one(hukou_place="济南市长清区（高校学生集体户）", notes="户口迁至城区，保留成员资格：是").values
    assert v["hukou_place"] == "济南市长清区（高校学生集体户）"
    assert v["notes"] == "户口迁至城区，保留成员资格：是"


@pytest.mark.parametrize("text", ["热依拉・吐尔逊", "热依拉･吐尔逊", "热依拉．吐尔逊", "热依拉.吐尔逊",
                                  "热依拉•吐尔逊", "热依拉 · 吐尔逊", "热依拉\u00b7吐尔逊"])
def test_name_separators_stored_as_single_middle_dot(text):
    assert one(name=text, relation="配偶", id_number=WIFE_ID, sex="女", birth_date=None).values["name"] \
        == "热依拉\u00b7吐尔逊"


@pytest.mark.parametrize("text", ["商𡐤", "徐𠮷", "李〇"])
def test_name_non_bmp_characters_are_valid_and_unchanged(text):
    result = one(name=text)
    assert result.ok and result.values["name"] == text


@pytest.mark.parametrize("text", ["朱桂芳2", "宋?", "宋？", "张 三", "李#", "·艾力", "艾力·", 12.0])
def test_name_invalid(text):
    assert codes(name=text) == ["name.invalid"]


@pytest.mark.parametrize("text", [None, "", "  ", "\u3000"])
def test_name_missing(text):
    assert codes(name=text) == ["name.missing"]


def test_I04_sex_mismatch_and_birthdate_mismatch():
    assert codes(sex="女") == ["sex.mismatch"]
    assert codes(birth_date=date(1963, 1, 7)) == ["birthdate.mismatch"]
    assert codes(sex="2", birth_date="1963.7.25") == ["birthdate.mismatch", "sex.mismatch"]


def test_I04_sex_and_birth_date_taken_from_id_when_blank():
    v = one(sex=None, birth_date="  ").values
    assert v["sex"] == "1" and v["birth_date"] == date(1963, 7, 24)


def test_I04_no_mismatch_checks_when_id_invalid():
    assert codes(id_number=HEAD_ID[:-1] + "0", sex="女", birth_date=date(2000, 1, 1)) == ["id.checksum"]
    assert codes(id_number="3.70305E+17", sex="女") == ["id.precision_lost"]


@pytest.mark.parametrize("sex", ["男", "男性", "1", 1.0, " 男 "])
def test_sex_input_variants(sex):
    assert one(sex=sex).values["sex"] == "1"


def test_I05_legacy15_accepted_with_warning_and_original_kept():
    result = one(id_number="370305630724301")
    assert result.ok and result.codes == ["id.legacy15"] and result.warnings[0].level == "warning"
    assert result.values["id_number"] == make_id("19630724", "301")
    assert result.values["id_original"] == "370305630724301"


@pytest.mark.parametrize("cell", [date(2019, 6, 8), datetime(2019, 6, 8), datetime(2019, 6, 8, 13, 5),
                                  "2019-06-08", "2019.6.8", "2019年6月8日", "20190608", "2019/06/08",
                                  "2019-6-8 00:00:00", " 2019 年 6 月 8 日 ", 20190608.0, 43624.0])
def test_date_formats_stored_as_iso(cell):
    result = one(acquired_at=cell)
    assert result.ok and display_values(result.values)["取得日期"] == "2019-06-08"


@pytest.mark.parametrize("cell", ["2019.13.8", "2019年2月30日", "19-6-8", "明年", "20191332", -5.0,
                                  "0019-01-01"])
def test_date_invalid(cell):
    assert codes(acquired_at=cell) == ["date.invalid"]


def test_birth_date_in_the_future_is_date_invalid():
    result = one(birth_date=date(2027, 1, 1), id_number="12345", id_type="护照")
    assert result.codes == ["date.invalid"]


@pytest.mark.parametrize("cell,stored", [("0001", "0001"), (19.0, "0019"), (19, "0019"), ("００１８", "0018"),
                                         ("18", "0018"), (" 0020 ", "0020"), ("'0021", "0021"),
                                         ("370305100201010001", "370305100201010001")])
def test_household_number_stored_as_4_digit_text(cell, stored):
    assert run(raw(household_no=cell)).rows[0].values["household_no"] == stored


@pytest.mark.parametrize("cell,code", [(None, "household.missing"), (19.5, "household.invalid"),
                                       ("A1", "household.invalid"), (-3.0, "household.invalid")])
def test_household_number_missing_or_invalid(cell, code):
    assert codes(household_no=cell) == [code]


@pytest.mark.parametrize("cell,stored", [("是", True), ("Y", True), ("y", True), ("√", True), ("否", False),
                                         ("N", False), (None, None)])
def test_hukou_in_village_yes_no_variants(cell, stored):
    assert one(hukou_in_village=cell).values["hukou_in_village"] is stored


def test_vocabularies_accept_labels_codes_and_synonyms():
    assert one(relation="02").values["relation"] == "02"
    assert one(relation=2.0).values["relation"] == "02"
    assert one(relation="本人").values["relation"] == "01"
    assert one(id_type="户口簿").values["id_type"] == "4"
    assert one(status="待确认").values["status"] == "pending"
    assert one(acquisition_ground="政策性移民").values["acquisition_ground"] == "policy_migration"
    assert one(remark="在校大学生").values["remark"] == "3"
    assert one(id_type=None).values["id_type"] == "1"


@pytest.mark.parametrize("over,code", [
    ({"relation": "表哥的朋友"}, "relation.unknown"), ({"relation": "老乡"}, "relation.unknown"),
    ({"relation": None}, "relation.unknown"), ({"acquisition_ground": "买的"}, "value.unknown"),
    ({"acquisition_ground": "亲戚介绍"}, "value.unknown"), ({"status": "已丧失"}, "value.unknown"),
    ({"id_type": "驾驶证"}, "value.unknown"), ({"remark": "无"}, "value.unknown"),
    ({"sex": "未知"}, "value.unknown"),
    ({"hukou_in_village": "可能"}, "value.unknown")])
def test_vocabulary_unknown_values(over, code):
    assert codes(**over) == [code]


@pytest.mark.parametrize("cell", [-1.0, "abc", "-0.5", "1,5", True])
def test_shares_invalid(cell):
    assert codes(population_shares=cell) == ["shares.invalid"]


@pytest.mark.parametrize("cell,stored", [(21.5, "21.5"), ("21.50", "21.5"), (0.0, "0"), ("１２", "12"),
                                         (0.1 + 0.2, "0.3"), (None, "")])
def test_shares_stored_as_decimal(cell, stored):
    v = one(farm_age_shares=cell).values
    assert display_values(v)["农龄股"] == stored
    assert v["farm_age_shares"] is None or isinstance(v["farm_age_shares"], Decimal)


def test_I07_other_document_types_only_checked_for_length():
    result = one(id_type="护照", id_number="E12345678", sex="女")
    assert result.ok and result.values["id_number"] == "E12345678" and result.values["sex"] == "2"
    assert codes(id_type="护照", id_number="E" * 21) == ["id.format"]
    assert codes(id_type="其他证件", id_number=" ") == ["id.missing"]


def test_every_problem_in_a_row_is_collected():
    result = one(name="张3", sex="X", id_number="123", relation="朋友", acquired_at="2019.13.1",
                 population_shares="abc", status="在逃")
    assert result.codes == ["date.invalid", "id.format", "name.invalid", "relation.unknown",
                            "shares.invalid", "value.unknown"]
    columns = {"成员姓名", "性别", "证件号码", "与户主关系", "取得日期", "人口股"}
    assert {i.column for i in result.errors} >= columns
    assert all(i.row == 4 and i.message_zh for i in result.errors)


def test_M25_household_without_head_flags_every_row():
    check = run(raw(household_no="0006", relation="配偶", id_number=WIFE_ID, sex="女", birth_date=None),
                raw(household_no="0006", relation="子", id_number=SON_ID, birth_date=None),
                raw(household_no="0007"))
    assert [r.codes for r in check.rows] == [["household.no_head"], ["household.no_head"], []]
    assert check.rows[0].errors[0].column == "与户主关系"


def test_M25_household_with_two_heads_flags_every_row():
    check = run(raw(), raw(id_number=SON_ID, birth_date=None, name="赵晓东"),
                raw(relation="配偶", id_number=WIFE_ID, sex="女", birth_date=None))
    assert all(r.codes == ["household.multiple_heads"] for r in check.rows)


def test_M25_households_grouped_by_normalised_number_and_01_counts_as_head():
    check = run(raw(household_no=2.0, relation="本人"),
                raw(household_no="０００２", relation="子", id_number=SON_ID, birth_date=None))
    assert check.ok and check.household_count == 1


def test_households_are_per_village_code():
    check = run(raw(village_code="370305100201"),
                raw(village_code=370305100202.0, id_number=SON_ID, birth_date=None))
    assert check.ok and check.household_count == 2
    assert check.rows[1].values["village_code"] == "370305100202"
    assert codes(village_code="3703051002") == ["village.invalid"]


def test_I08_duplicate_in_file_on_every_duplicated_row():
    check = run(raw(), raw(household_no="0002"), raw(household_no="0003", id_number="370305630724301"),
                raw(household_no="0004", id_number=SON_ID, birth_date=None))
    assert [r.codes for r in check.rows] == [["duplicate.in_file"], ["duplicate.in_file"],
                                             ["duplicate.in_file", "id.legacy15"], []]
    assert "4、5、6" in check.rows[0].errors[0].message_zh


def test_invalid_ids_are_not_compared_for_duplicates():
    check = run(raw(id_number="3.70305E+17"), raw(household_no="0002", id_number="3.70305E+17"))
    assert [r.codes for r in check.rows] == [["id.precision_lost"], ["id.precision_lost"]]


def test_display_values_turn_codes_back_into_labels():
    shown = display_values(one(remark="1", hukou_in_village="N").values)
    assert shown["与户主关系"] == "户主" and shown["性别"] == "男" and shown["证件类型"] == "居民身份证"
    assert shown["成员状态"] == "正式成员" and shown["取得方式"] == "改革确认"
    assert shown["成员备注"] == "外嫁女"
    assert shown["是否本村户籍"] == "否" and shown["出生日期"] == "1963-07-24" and shown["股份合计"] == "31"
    assert shown["组"] == "01" and shown["序号"] == "1" and shown["备注"] == "" and "村代码" not in shown
    assert display_values(one(village_code="370305100201").values)["村代码"] == "370305100201"


def test_code_tables_lookup_and_label():
    assert lookup(RELATION, "户 主") == "02" and label(RELATION, "10") == "配偶"
    assert lookup(RELATION, "孙子") == "41" and lookup(RELATION, "妻") == "12"
    assert lookup(RELATION, "长子") == "22" and lookup(SEX, "女性") == "2" and lookup(ID_TYPE, "4") == "4"
    assert lookup(MEMBER_STATUS, "争议中") == "disputed"
    assert lookup(RELATION, "表哥的朋友") is None and lookup(RELATION, None) is None
