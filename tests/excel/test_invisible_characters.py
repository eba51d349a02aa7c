"""Invisible characters inside a code, ID or name are refused, and the message says so (issue 10/15
QA note: a refusal quoting "370305…" with a zero-width space inside looked like a correct value)."""
from datetime import date
from decimal import Decimal

from registry.excel.homesteads.validate import check_row as check_homestead_row
from registry.excel.land.rows import CHECKERS
from registry.excel.normalise import INVISIBLE_NOTE, mark_invisible
from registry.excel.roster.validate import check_row as check_roster_row
from registry.excel.shares.validate import check_share_row

TODAY = date(2026, 12, 4)
ID = "370305198001010016"
ZW = "\u200b"


def test_mark_invisible_leaves_visible_text_alone_and_flags_the_rest():
    assert mark_invisible("370305") == "370305"
    assert mark_invisible("张三") == "张三"
    assert mark_invisible("张 三") == "张 三"  # a space is visible
    assert mark_invisible(f"3703{ZW}05") == "370305" + INVISIBLE_NOTE
    assert mark_invisible("37\ufeff03\u200e05") == "370305" + INVISIBLE_NOTE


def test_an_id_with_a_zero_width_space_inside_says_so_in_the_roster():
    result = check_roster_row(7, {"name": "张三", "id_number": ID[:9] + ZW + ID[9:], "household_no": "0001",
                                  "relation": "户主"}, today=TODAY)
    issue = next(i for i in result.errors if i.code.startswith("id."))
    assert INVISIBLE_NOTE in issue.message_zh and ZW not in issue.message_zh


def test_a_land_code_with_a_zero_width_space_inside_says_so():
    check = CHECKERS["parcels"]("370305001201", TODAY)
    row = check(5, {"code": "3703050012010" + ZW + "200001", "contractor_code": "370305001201020001",
                    "contract_area": 1.5})
    issue = next(i for i in row.errors if i.code == "code.format")
    assert INVISIBLE_NOTE in issue.message_zh and ZW not in issue.message_zh


def test_a_coholder_id_with_a_bom_inside_says_so():
    check = CHECKERS["coholders"]("370305001201", TODAY)
    row = check(3, {"contractor_code": "370305001201020001", "name": "李四", "id_number": ID[:5] + "\ufeff" + ID[5:],
                    "is_coholder": "是"})
    issue = next(i for i in row.errors if i.code.startswith("id."))
    assert INVISIBLE_NOTE in issue.message_zh


def test_share_and_homestead_ids_say_so_too():
    share = check_share_row(4, {"household_no": "0001", "head_name": "张三", "id_number": ID[:3] + ZW + ID[3:],
                                "population": 1, "farm_age": 1, "total": 2}, today=TODAY)
    assert any(INVISIBLE_NOTE in i.message_zh for i in share.errors if i.code.startswith("id."))
    plot = check_homestead_row(4, {"plot_code": "370305001201JC00001", "household_no": "0001", "head_name": "张三",
                                   "id_number": ID[:3] + ZW + ID[3:], "plot_area": 100, "status": "使用中"},
                               village_code="370305001201", cap=Decimal(132), today=TODAY)
    assert any(INVISIBLE_NOTE in i.message_zh for i in plot.errors if i.code.startswith("id."))
