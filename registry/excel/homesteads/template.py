"""The homestead register's import template (issue 13 item 5), built from ``HOMESTEAD_COLUMNS``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from registry.codes import HOMESTEAD_STATUS
from registry.excel.homesteads.columns import HOMESTEAD_COLUMNS, SHEET_NAME
from registry.excel.template_book import SheetSpec, build_workbook

NOTES = {
    "plot_code": "宗地代码：本村12位区划代码 + JC + 5位顺序号，共19位",
    "certificate_no": "不动产权证号（已发证时填写）",
    "household_no": "户编号：与本村成员名册中的户编号一致",
    "head_name": "户主姓名",
    "id_number": "户主的居民身份证号码（18位）",
    "plot_area": "宗地面积，单位平方米，大于0",
    "building_area": "建筑占地面积，单位平方米",
    "location": "宗地坐落",
    "approved_on": "宅基地批准日期",
    "approval_doc": "批准文号",
    "status": "宅基地状态；一户只能有一处“使用中”的宅基地（D-01）",
    "east": "四至：东至", "south": "四至：南至", "west": "四至：西至", "north": "四至：北至",
    "remarks": "备注",
}

EXAMPLE = {
    "plot_code": "370305100201JC00001", "certificate_no": "鲁(2020)淄博市临淄区不动产权第0000001号",
    "household_no": "0001", "head_name": "张三", "id_number": "370305198001010015",
    "plot_area": Decimal("130.00"), "building_area": Decimal("100.00"), "location": "××村东街1号",
    "approved_on": date(2015, 6, 1), "approval_doc": "临政土字〔2015〕1号",
    "status": HOMESTEAD_STATUS.label("in_use"),
    "east": "道路", "south": "李四", "west": "王五", "north": "道路",
}

SPEC = SheetSpec(SHEET_NAME, HOMESTEAD_COLUMNS, NOTES, {"status": list(HOMESTEAD_STATUS.labels.values())},
                 ("plot_code", "household_no", "id_number", "certificate_no"), EXAMPLE)


def build() -> bytes:
    return build_workbook([SPEC])
