"""The roster's import templates (issue 13 item 5), built from ``STANDARD_COLUMNS`` by the generic
template builder: the roster's layout (a title in row 1, the 21 headings in row 2; the town/district
template adds 村代码), a header comment per column, dropdowns for the coded columns (the labels the
import accepts), text format for the code and ID columns, and one example row the import accepts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry.codes import ACQUISITION_GROUND, ID_TYPE, MEMBER_REMARK, MEMBER_STATUS, RELATION, SEX, YES_NO
from registry.excel.columns import BY_KEY, STANDARD_COLUMNS
from registry.excel.roster.types import ROSTER_ID_TYPES, ROSTER_STATUSES
from registry.excel.template_book import SheetSpec, build_workbook

__all__ = ["EXAMPLE", "build_village", "build_area"]

SHEET_NAME = "成员名册"

NOTES = {
    "seq": "序号：从 1 起顺序编号",
    "group": "所在村民小组的组号",
    "household_no": "户编号：4 位数字（如 0001）或 18 位承包方编码；同一户的成员填同一户编号",
    "head_name": "户主姓名",
    "name": "成员姓名",
    "sex": "性别；应与证件号码第 17 位一致（单数为男，双数为女）",
    "id_type": "证件类型",
    "id_number": "居民身份证号码（18 位，最后一位可为 X）；请保持文本格式，以免 Excel 丢失后几位",
    "relation": "与户主关系（GB/T 4761），户主本人填“户主”；每户只能有一个户主",
    "birth_date": "出生日期，应与证件号码中的出生日期一致",
    "hukou_place": "户籍所在地（仅作记录，不决定成员身份）",
    "hukou_in_village": "户籍是否在本村（仅作记录，不决定成员身份）",
    "status": "成员状态：正式成员、待确认（须经成员大会确认）或已丧失（须填丧失原因和日期）",
    "acquisition_ground": "成员身份取得方式",
    "acquired_at": "成员身份取得日期",
    "remark": "成员备注类型",
    "population_shares": "人口股股数，不小于 0，可有 4 位小数",
    "farm_age_shares": "农龄股股数，不小于 0，可有 4 位小数",
    "total_shares": "股份合计",
    "phone": "联系电话",
    "notes": "其他说明",
    "village_code": "成员所在村的 12 位行政区划代码（全镇、全区导入时每行必填）",
}

CHOICES = {
    "sex": list(SEX.labels.values()),
    "id_type": [ID_TYPE.label(code) for code in sorted(ROSTER_ID_TYPES)],
    "relation": list(RELATION.labels.values()),
    "hukou_in_village": list(YES_NO.labels.values()),
    "status": [MEMBER_STATUS.label(code) for code in ("confirmed", "pending", "lost") if code in ROSTER_STATUSES],
    "acquisition_ground": list(ACQUISITION_GROUND.labels.values()),
    "remark": list(MEMBER_REMARK.labels.values()),
}

TEXT_KEYS = ("household_no", "id_number", "phone", "village_code")

EXAMPLE = {
    "seq": 1, "group": 1, "household_no": "0001", "head_name": "张三", "name": "张三",
    "sex": SEX.label("1"), "id_type": ID_TYPE.label("1"), "id_number": "370305198001010015",
    "relation": RELATION.label("02"), "birth_date": date(1980, 1, 1), "hukou_place": "山东省淄博市临淄区××镇××村",
    "hukou_in_village": YES_NO.label("1"), "status": MEMBER_STATUS.label("confirmed"),
    "acquisition_ground": ACQUISITION_GROUND.label("reform"), "acquired_at": date(2019, 9, 26),
    "population_shares": Decimal("1"), "farm_age_shares": Decimal("1"), "total_shares": Decimal("2"),
    "notes": "示例行：填写本村名册时请删除此行",
}
#: The town/district template's example row: the same member in a village of the district.
AREA_EXAMPLE = {**EXAMPLE, "village_code": "370305100201"}


def build_village() -> bytes:
    """One village's roster template."""
    return build_workbook([SheetSpec(SHEET_NAME, STANDARD_COLUMNS, NOTES, CHOICES, TEXT_KEYS, EXAMPLE,
                                     title_row="××镇××村股份经济合作社成员名册")])


def build_area() -> bytes:
    """A whole town's or the district's roster template: the village layout plus 村代码."""
    columns = (*STANDARD_COLUMNS, BY_KEY["village_code"])
    return build_workbook([SheetSpec(SHEET_NAME, columns, NOTES, CHOICES, TEXT_KEYS, AREA_EXAMPLE,
                                     title_row="××镇成员名册（每行填写12位村代码）")])
