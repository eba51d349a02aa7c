"""Column spec of the homestead register sheet (宅基地台账, samples/RIGHTS.md): one entry per column, in the
order of the villages' files and of the export."""
from __future__ import annotations

from registry.excel.columns import Column, ColumnSet

HOMESTEAD_COLUMNS: tuple[Column, ...] = (
    Column("plot_code", "宗地代码", ("宗地编码", "宗地号", "不动产单元号", "ZDDM"), required=True),
    Column("certificate_no", "不动产权证号", ("不动产权证书号", "不动产证号", "权证号", "证书号",
                                               "宅基地使用权证号"), max_length=80),
    Column("household_no", "户编号", ("户号", "户编码", "户代码", "家庭编号"), required=True),
    Column("head_name", "户主姓名", ("户主", "户主名称", "户主名")),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "户主身份证号",
                                     "户主证件号码")),
    Column("plot_area", "宗地面积（㎡）", ("宗地面积", "宅基地面积", "占地面积", "用地面积"), cell="number",
           required=True),
    Column("building_area", "建筑占地面积（㎡）", ("建筑占地面积", "建筑基底面积", "房屋占地面积"),
           cell="number"),
    Column("location", "坐落", ("宗地坐落", "地址", "位置"), max_length=200),
    Column("approved_on", "批准日期", ("审批日期", "批准时间"), cell="date"),
    Column("approval_doc", "批准文号", ("审批文号", "批准文件"), max_length=120),
    Column("status", "状态", ("使用状态", "宅基地状态"), required=True),
    Column("east", "东至", ("四至东",), max_length=120),
    Column("south", "南至", ("四至南",), max_length=120),
    Column("west", "西至", ("四至西",), max_length=120),
    Column("north", "北至", ("四至北",), max_length=120),
    Column("remarks", "备注", ("说明",)),
)

HOMESTEAD = ColumnSet(HOMESTEAD_COLUMNS)
#: The sheet name of the villages' files and of the export.
SHEET_NAME = "宅基地"
#: Free-text columns: only trimmed, never NFKC-folded and never listed as normalised.
FREE_TEXT = ("certificate_no", "location", "approval_doc", "east", "south", "west", "north", "remarks")
