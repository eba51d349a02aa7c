"""The land register of the benchmark district (issue 15): one workbook in the land import layout
(shared/samples/RIGHTS.md: sheets 承包方, 承包地块, 共有人, 流转合同, a title row above the Chinese headings)
for every village of the generated 300k-member district, consistent with ``district.db``'s roster.

    .venv/bin/python bench/make_district.py --only land [--out bench/out]

Deterministic (seeded): nine households in ten hold a contract (CBFBM = village code + group + the
household number), with one parcel per member plus one (0.3–3.0 亩; ≥ 300,000 parcels for 300k members),
every member listed on the contract (co-holder unless born after the contract's start, as in the villages'
files), and one circulation (出租, within the contract's term) for one contracting household in seven.
Written with XlsxWriter in constant-memory mode: IDs and codes as text cells, dates as date cells, areas as
numbers.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from bench.district_data import SURNAMES

TERM_START, TERM_END, EXTENDED = dt.date(1999, 1, 1), dt.date(2028, 12, 31), dt.date(2058, 12, 31)
PLACES = ("窑坑南", "柳树行", "东大片", "西洼", "南岭", "北坡", "大井边", "小河沿", "老场院", "坟前")
SIDES = ("机耕路", "生产路", "排水沟", "水渠", "林带")
GRADES = ("二等地", "三等地", "四等地", "五等地")
SHEETS = {
    "承包方": ("承包方编码", "户编号", "承包方代表姓名", "证件号码", "承包方式", "承包合同编号", "承包期限起",
            "承包期限止", "签订日期", "经营权证编号", "家庭成员数"),
    "承包地块": ("地块编码", "承包方编码", "地块名称", "合同面积（亩）", "实测面积（亩）", "土地利用类型", "地力等级",
             "土地用途", "是否基本农田", "东至", "南至", "西至", "北至"),
    "共有人": ("承包方编码", "成员姓名", "证件号码", "与户主关系", "是否共有人"),
    "流转合同": ("流转合同编号", "承包方编码", "地块编码", "受让方名称", "受让方证件号码", "流转方式", "流转面积（亩）",
             "流转开始日期", "流转结束日期", "流转价格（元/亩·年）", "签订日期"),
}


def land_rows(members, seed: int):
    """``(sheet title, row values)`` of the district's land register from its member rows (village by
    village, household by household, as ``bench.make_district.roster_rows`` yields them)."""
    from registry.codes import RELATION

    for village, rows in groupby(members, key=lambda v: v["village_code"]):
        rng = random.Random(f"{seed}:land:{village}")
        parcel_seq = 0
        circulations = 0
        for number, household in groupby(rows, key=lambda v: v["household_no"]):
            people = list(household)
            if int(number) % 10 == 0:  # split off later: no land
                continue
            head = people[0]
            code = f"{village}{head['group']}{number}"
            extended = rng.random() < 0.2
            yield "承包方", (code, number, head["name"], head["id_number"], "家庭承包", f"{code}J", TERM_START,
                            EXTENDED if extended else TERM_END, dt.date(2016, 4, 25), f"{code}J", len(people))
            parcels = []
            for _ in range(len(people) + 1):
                parcel_seq += 1
                parcel = f"{code[:14]}{parcel_seq:05d}"
                area = Decimal(rng.randint(30, 300)) / 100
                measured = (area * Decimal(rng.randint(970, 1030)) / 1000).quantize(Decimal("0.0001"))
                parcels.append((parcel, area))
                yield "承包地块", (parcel, code, rng.choice(PLACES), area, measured, "水浇地", rng.choice(GRADES),
                               "种植业", "是", rng.choice(SIDES), rng.choice(SURNAMES) + "家", rng.choice(SIDES),
                               rng.choice(SIDES))
            for v in people:
                yield "共有人", (code, v["name"], v["id_number"], RELATION.label(v["relation"]),
                              "是" if v["birth_date"] < TERM_START else "否")
            if rng.random() < 1 / 7:
                circulations += 1
                parcel, area = parcels[0]
                receiver = f"临淄区{rng.choice(SURNAMES)}家庄土地股份专业合作社"
                yield "流转合同", (f"LZ{village}2020{circulations:03d}", code, parcel, receiver, "93370305MA3L48LD5N",
                               "出租", area, dt.date(2020, 1, 1), dt.date(2027, 12, 31), Decimal("800.00"),
                               dt.date(2019, 12, 15))


def write_land_workbook(path: Path, members, *, seed: int, title: str) -> dict[str, int]:
    """Write the land workbook; returns the row count per sheet."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    area = wb.add_format({"num_format": "0.0000"})
    counts: dict[str, int] = {}
    # Constant-memory mode writes the sheets one after the other: the rows are generated together, so they
    # are buffered per sheet first (about a million small tuples for 300k members).
    buffered: dict[str, list[tuple]] = {name: [] for name in SHEETS}
    for sheet, values in land_rows(members, seed):
        buffered[sheet].append(values)
    for name, headings in SHEETS.items():
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, f"{title}（{name}）")
        ws.write_row(1, 0, headings)
        rows = buffered.pop(name)
        counts[name] = len(rows)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, Decimal):
                    ws.write_number(r, c, float(value), area)
                elif isinstance(value, int):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, value, text)
    wb.close()
    return counts
