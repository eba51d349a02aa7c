"""The land contract register's import template (issue 13 item 5), built from the four sheets' column
specs (``SHEETS``) by the generic template builder: header comments, dropdowns for the coded columns,
text format for codes and ID numbers, and one example row per sheet that the import accepts (one
household 0001 of the roster template's example, its parcel, its co-holder and a circulation)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry import codes
from registry.excel.land.columns import SHEETS
from registry.excel.template_book import SheetSpec, build_workbook

__all__ = ["EXAMPLES", "VILLAGE", "build"]

#: The example rows' village (the codes start with its 12-digit code).
VILLAGE = "370305100201"
_CONTRACTOR = VILLAGE + "010001"  # 承包方编码 CBFBM: 发包方编码 (14) + 4-digit number
_PARCEL = VILLAGE + "0100001"  # 地块编码 DKBM: 发包方编码 (14) + 5-digit number
_YES_NO = list(codes.YES_NO.labels.values())

NOTES = {
    "contractors": {
        "contractor_code": "承包方编码（18 位）：本村 12 位区划代码 + 2 位组号 + 4 位户序号",
        "household_no": "户编号：与本村成员名册中的户编号一致",
        "name": "承包方代表姓名（户主）",
        "id_number": "承包方代表的居民身份证号码（18 位），应是名册中这一户的成员",
        "method": "承包方式（NY/T 2539）",
        "contract_no": "承包合同编号",
        "term_start": "承包期限起始日期",
        "term_end": "承包期限终止日期，不早于起始日期",
        "signed_on": "合同签订日期",
        "certificate_no": "土地承包经营权证编号",
        "member_count": "家庭成员数",
    },
    "parcels": {
        "code": "地块编码（19 位）：本村 12 位区划代码 + 2 位组号 + 5 位地块序号",
        "contractor_code": "承包这一地块的承包方编码（承包方表中已有）",
        "name": "地块名称",
        "contract_area": "合同面积，单位亩，大于 0，最多 4 位小数",
        "measured_area": "实测面积，单位亩",
        "land_use_type": "土地利用类型（GB/T 21010）",
        "grade": "地力等级",
        "land_use": "土地用途",
        "basic_farmland": "是否基本农田",
        "east": "四至：东至", "south": "四至：南至", "west": "四至：西至", "north": "四至：北至",
    },
    "coholders": {
        "contractor_code": "承包方编码（承包方表中已有）",
        "name": "家庭成员姓名",
        "id_number": "家庭成员的居民身份证号码",
        "relation": "与户主关系（GB/T 4761）",
        "is_coholder": "是否共有人（SFGYR）",
    },
    "circulations": {
        "code": "流转合同编号",
        "contractor_code": "出让方的承包方编码",
        "parcel_codes": "流转的地块编码，多块用顿号分隔",
        "receiver_name": "受让方名称",
        "receiver_id": "受让方证件号码或统一社会信用代码",
        "method": "流转方式",
        "area": "流转面积，单位亩，不超过所流转地块的合同面积",
        "starts_on": "流转开始日期",
        "ends_on": "流转结束日期，不晚于承包期限终止日期",
        "price": "流转价格，元/亩·年",
        "signed_on": "流转合同签订日期",
    },
}

CHOICES = {
    "contractors": {"method": list(codes.CONTRACT_METHOD.labels.values())},
    "parcels": {"land_use_type": list(codes.LAND_USE_TYPE.labels.values()),
                "grade": list(codes.LAND_GRADE.labels.values()), "land_use": list(codes.LAND_USE.labels.values()),
                "basic_farmland": _YES_NO},
    "coholders": {"relation": list(codes.RELATION.labels.values()), "is_coholder": _YES_NO},
    "circulations": {"method": list(codes.CIRCULATION_METHOD.labels.values())},
}

TEXT_KEYS = {
    "contractors": ("contractor_code", "household_no", "id_number", "contract_no", "certificate_no"),
    "parcels": ("code", "contractor_code"),
    "coholders": ("contractor_code", "id_number"),
    "circulations": ("code", "contractor_code", "parcel_codes", "receiver_id"),
}

EXAMPLES = {
    "contractors": {
        "contractor_code": _CONTRACTOR, "household_no": "0001", "name": "张三", "id_number": "370305198001010015",
        "method": codes.CONTRACT_METHOD.label("110"), "contract_no": "HT0001", "term_start": date(1998, 12, 31),
        "term_end": date(2028, 12, 31), "signed_on": date(1998, 12, 31), "certificate_no": "JYQZ0001",
        "member_count": 1,
    },
    "parcels": {
        "code": _PARCEL, "contractor_code": _CONTRACTOR, "name": "村东地", "contract_area": Decimal("2.5000"),
        "measured_area": Decimal("2.6000"), "land_use_type": codes.LAND_USE_TYPE.label("0103"),
        "grade": codes.LAND_GRADE.label("03"), "land_use": codes.LAND_USE.label("1"),
        "basic_farmland": codes.YES_NO.label("1"),
        "east": "道路", "south": "李四", "west": "王五", "north": "沟渠",
    },
    "coholders": {
        "contractor_code": _CONTRACTOR, "name": "张三", "id_number": "370305198001010015",
        "relation": codes.RELATION.label("02"), "is_coholder": codes.YES_NO.label("1"),
    },
    "circulations": {
        "code": "LZ0001", "contractor_code": _CONTRACTOR, "parcel_codes": _PARCEL, "receiver_name": "××农业专业合作社",
        "method": codes.CIRCULATION_METHOD.label("lease"), "area": Decimal("1.5000"), "starts_on": date(2020, 1, 1),
        "ends_on": date(2027, 12, 31), "price": Decimal("800.00"), "signed_on": date(2019, 12, 20),
    },
}


def build() -> bytes:
    return build_workbook([SheetSpec(s.title, s.columns.columns, NOTES[s.key], CHOICES[s.key], TEXT_KEYS[s.key],
                                     EXAMPLES[s.key]) for s in SHEETS])
