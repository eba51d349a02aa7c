"""Column specs of the land contract register's four sheets (承包地台账; shared/samples/RIGHTS.md).

Each sheet is accepted with the Chinese headings a clerk keeps and with the NY/T 2539 field codes of a
land-right confirmation (确权) export (sheet names CBF, CBDKXX, CBF_JTCY, LZHT): the field codes are
synonyms. ``SHEETS`` lists the sheets in file order with the sheet names tried first.
"""
from __future__ import annotations

from dataclasses import dataclass

from registry.excel.columns import Column, ColumnSet

__all__ = ["CONTRACTORS", "PARCELS", "COHOLDERS", "CIRCULATIONS", "SHEETS", "LandSheet"]

CONTRACTORS = ColumnSet((
    Column("contractor_code", "承包方编码", ("CBFBM", "承包方代码"), required=True),
    Column("household_no", "户编号", ("户号", "户编码")),
    Column("name", "承包方代表姓名", ("CBFMC", "承包方代表", "承包方名称", "户主姓名")),
    Column("id_number", "证件号码", ("CBFZJHM", "承包方代表证件号码", "身份证号码", "身份证号")),
    Column("method", "承包方式", ("CBFS", "承包经营权取得方式")),
    Column("contract_no", "承包合同编号", ("CBHTBM", "合同编号", "承包合同编码")),
    Column("term_start", "承包期限起", ("CBQXQ", "承包起始日期", "承包期限开始"), cell="date"),
    Column("term_end", "承包期限止", ("CBQXZ", "承包终止日期", "承包期限结束"), cell="date"),
    Column("signed_on", "签订日期", ("QDSJ", "合同签订日期"), cell="date"),
    Column("certificate_no", "经营权证编号", ("CBJYQZBM", "承包经营权证编号", "经营权证号")),
    Column("member_count", "家庭成员数", ("CBFCYSL", "成员数量", "家庭成员数量"), cell="number"),
))

PARCELS = ColumnSet((
    Column("code", "地块编码", ("DKBM", "地块代码"), required=True),
    Column("contractor_code", "承包方编码", ("CBFBM",), required=True),
    Column("name", "地块名称", ("DKMC",)),
    Column("contract_area", "合同面积（亩）", ("HTMJM", "合同面积", "承包面积", "合同面积(亩)"),
           cell="number"),
    Column("measured_area", "实测面积（亩）", ("SCMJM", "实测面积", "实测面积(亩)"), cell="number"),
    Column("land_use_type", "土地利用类型", ("TDLYLX",)),
    Column("grade", "地力等级", ("DLDJ",)),
    Column("land_use", "土地用途", ("TDYT",)),
    Column("basic_farmland", "是否基本农田", ("SFJBNT", "基本农田")),
    Column("east", "东至", ("DKDZ",)),
    Column("south", "南至", ("DKNZ",)),
    Column("west", "西至", ("DKXZ",)),
    Column("north", "北至", ("DKBZ",)),
))

COHOLDERS = ColumnSet((
    Column("contractor_code", "承包方编码", ("CBFBM",), required=True),
    Column("name", "成员姓名", ("CYXM", "姓名")),
    Column("id_number", "证件号码", ("CYZJHM", "身份证号码", "身份证号")),
    Column("relation", "与户主关系", ("YHZGX", "家庭关系")),
    Column("is_coholder", "是否共有人", ("SFGYR", "共有人")),
))

CIRCULATIONS = ColumnSet((
    Column("code", "流转合同编号", ("LZHTBM", "流转合同编码")),
    Column("contractor_code", "承包方编码", ("CBFBM",), required=True),
    Column("parcel_codes", "地块编码", ("DKBM", "流转地块编码"), required=True),
    Column("receiver_name", "受让方名称", ("SRFMC", "受让方")),
    Column("receiver_id", "受让方证件号码", ("SRFZJHM", "受让方统一社会信用代码")),
    Column("method", "流转方式", ("LZFS",)),
    Column("area", "流转面积（亩）", ("LZMJM", "流转面积", "流转面积(亩)"), cell="number"),
    Column("starts_on", "流转开始日期", ("LZQXKSRQ", "流转期限起"), cell="date"),
    Column("ends_on", "流转结束日期", ("LZQXJSRQ", "流转期限止"), cell="date"),
    Column("price", "流转价格（元/亩·年）", ("LZJG", "流转价格", "流转价格(元/亩·年)"), cell="number"),
    Column("signed_on", "签订日期", ("HTQDRQ", "合同签订日期"), cell="date"),
))


@dataclass(frozen=True, slots=True)
class LandSheet:
    """One sheet of the register: its key, layout, the sheet names tried first, whether it must exist."""

    key: str
    title: str
    columns: ColumnSet
    names: tuple[str, ...]
    required: bool = True


SHEETS: tuple[LandSheet, ...] = (
    LandSheet("contractors", "承包方", CONTRACTORS, ("承包方", "CBF")),
    LandSheet("parcels", "承包地块", PARCELS, ("承包地块", "CBDKXX")),
    LandSheet("coholders", "共有人", COHOLDERS, ("共有人", "CBF_JTCY"), required=False),
    LandSheet("circulations", "流转合同", CIRCULATIONS, ("流转合同", "LZHT"), required=False),
)
