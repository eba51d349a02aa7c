"""Column spec of the share register sheet 股权台账 (samples RIGHTS.md): one row per holder household."""
from __future__ import annotations

from registry.excel.columns import Column, ColumnSet

SHARE_COLUMNS: tuple[Column, ...] = (
    Column("certificate_no", "股权证号", ("股权证编号", "股权证书号", "证书编号"), max_length=40),
    Column("household_no", "户编号", ("户号", "户编码", "户代码", "家庭编号"), required=True, max_length=20),
    Column("head_name", "户主姓名", ("户主", "户主名称", "股东姓名", "持股人姓名"), required=True),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "证件号"), required=True),
    Column("population", "人口股", ("基本股", "人口股数"), cell="number", required=True),
    Column("farm_age", "农龄股", ("劳龄股", "农龄股数"), cell="number", required=True),
    Column("total", "股份合计", ("合计", "股份总数", "合计股数", "总股数", "股数合计"), cell="number",
           required=True),
    Column("issued_on", "发证日期", ("发证时间", "颁证日期"), cell="date"),
)

#: The share register's layout; the sheet is named 股权台账.
SHARES = ColumnSet(SHARE_COLUMNS)
SHEET_NAMES = ("股权台账",)
HEADINGS = {c.key: c.heading for c in SHARE_COLUMNS}
