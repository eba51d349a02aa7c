"""Layout-fault injection for the rights registers' clean sample files (shared/samples/RIGHTS.md "Layout
faults to expect"; samples README "Rights registers", "Messy files").

:func:`faulty` reads a clean workbook with openpyxl and writes it again (openpyxl's .xlsx) with one or more
faults: title rows above the headings (merged), a blank row inside the data, formatted empty rows at the
end, full-width digits, NBSP / zero-width spaces around values, areas as text with their unit, dates as
text or re-formatted date cells, columns in another order, unknown extra columns. Every fault keeps the
one defensible reading of each value, so the faulty file must give the same records as the clean one.
"""
from __future__ import annotations

import io
import random
from datetime import datetime
from decimal import Decimal

import openpyxl
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.utils import get_column_letter

KINDS = {
    "code": ("承包方编码", "CBFBM", "地块编码", "DKBM", "宗地代码", "户编号"),
    "id": ("证件号码", "CBFZJHM", "CYZJHM", "受让方证件号码", "SRFZJHM"),
    "mu": ("合同面积（亩）", "HTMJM", "实测面积（亩）", "SCMJM", "流转面积（亩）", "LZMJM"),
    "m2": ("宗地面积（㎡）", "建筑占地面积（㎡）"),
    "units": ("人口股", "农龄股", "股份合计"),
    "date": ("承包期限起", "CBQXQ", "承包期限止", "CBQXZ", "签订日期", "QDSJ", "流转开始日期", "LZQXKSRQ",
             "流转结束日期", "LZQXJSRQ", "HTQDRQ", "批准日期", "发证日期"),
    "name": ("承包方代表姓名", "CBFMC", "成员姓名", "CYXM", "户主姓名"),
    "vocab": ("承包方式", "CBFS", "土地利用类型", "TDLYLX", "地力等级", "DLDJ", "土地用途", "TDYT", "是否基本农田",
              "SFJBNT", "与户主关系", "YHZGX", "是否共有人", "SFGYR", "流转方式", "LZFS", "状态"),
    "free": ("承包合同编号", "CBHTBM", "经营权证编号", "CBJYQZBM", "地块名称", "DKMC", "东至", "南至", "西至", "北至",
             "DKDZ", "DKNZ", "DKXZ", "DKBZ", "受让方名称", "SRFMC", "流转合同编号", "LZHTBM", "不动产权证号", "坐落",
             "批准文号", "备注", "股权证号"),
    "other": ("家庭成员数", "CBFCYSL", "流转价格（元/亩·年）", "LZJG"),
}
KIND_OF = {heading: kind for kind, headings in KINDS.items() for heading in headings}
#: Characters a clerk's copy-paste leaves around values (trimmed by the rules).
AROUND = ("\u00a0", "\u200b", "\u3000", " ", "\u00a0\u200b", "\t")
M2_UNITS = ("平方米", "㎡", " m²", "平米", "\u00a0㎡", "\u200b平方米")
#: Value faults in the order they are combined (the form first, then full-width, then spaces).
VALUE_FAULTS = ("area_text", "date_forms", "fullwidth", "spaces")
LAYOUT_FAULTS = ("openpyxl", "title_rows_1", "title_rows_2", "title_rows_3", "blank_row", "styled_tail",
                 "reorder", "extra_columns")
ONE_AT_A_TIME = LAYOUT_FAULTS + VALUE_FAULTS


def fullwidth(text: str) -> str:
    """ASCII digits, letters and the point as their full-width forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _plain(value) -> str:
    return format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")


def area_text(kind: str, value, i: int):
    """``1.5亩``, ``１．２``, ``1.50 亩``, ``110.88平方米``, ``１２０．８４``: one reading each."""
    if kind not in ("mu", "m2", "units") or not isinstance(value, (int, float)):
        return value
    text = _plain(value)
    if kind == "units":
        return (text, text + ("0" if "." in text else ".0"), " " + text)[i % 3]
    if kind == "mu":
        return (text + "亩", fullwidth(text), text + ("0 亩" if "." in text else ".0 亩"), text + "\u00a0亩",
                text + "\u200b亩")[i % 5]
    return (text + M2_UNITS[i % len(M2_UNITS)], fullwidth(text), text)[i % 3]


DATE_CELL_FORMATS = ("yyyy年m月d日", "m/d/yyyy", "yyyy/mm/dd hh:mm")


def date_forms(kind: str, value, i: int):
    """``2019.9.3``, ``2019年9月3日``, ``20190903``, ``2019/09/03`` text, the number 20190903, or a date cell
    shown another way, with a time part, or as its serial number (the cell formatted "General"; only a
    number cell is a serial: no later fault turns it into text)."""
    if kind != "date" or not isinstance(value, datetime):
        return value
    y, m, d = value.year, value.month, value.day
    forms = (f"{y}.{m}.{d}", f"{y}年{m}月{d}日", f"{y:04d}{m:02d}{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{y}-{m}-{d}",
             f"{y}年\u00a0{m}月 {d}日", y * 10000 + m * 100 + d, ((value - datetime(1899, 12, 30)).days, "General"))
    pick = i % (len(forms) + 2)
    if pick < len(forms):
        return forms[pick]
    if pick == len(forms):
        return (value.replace(hour=8, minute=30), "yyyy-mm-dd hh:mm")
    return (value, DATE_CELL_FORMATS[i % len(DATE_CELL_FORMATS)])


def to_fullwidth(kind: str, value, i: int):
    """Full-width digits (and JC, X, the point) in codes, IDs, areas, share units and dates written as text;
    a number or date cell is first written as text."""
    if kind not in ("code", "id", "mu", "m2", "units", "date"):
        return value
    if isinstance(value, datetime):
        value = f"{value.year}年{value.month}月{value.day}日" if i % 2 else value.strftime("%Y%m%d")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _plain(value)
    if not isinstance(value, str):
        return value
    return fullwidth(value)


def spaces(kind: str, value, i: int):
    """NBSP, zero-width, ideographic spaces, tabs around every value (numbers become text with them), and
    inside the words of a vocabulary (``家庭\u200b承包``, ``使用\u00a0中``)."""
    if value is None or isinstance(value, (datetime, tuple)) or kind == "other":
        return value
    if isinstance(value, (int, float)):
        value = _plain(value)
    if not isinstance(value, str) or not value:
        return value
    left, right = AROUND[i % len(AROUND)], AROUND[(i + 2) % len(AROUND)]
    if kind == "vocab" and len(value) > 1 and i % 2:  # vocabularies are matched without any space inside
        value = value[0] + AROUND[i % len(AROUND)] + value[1:]
    return (left if i % 3 else "") + value + right


TRANSFORMS = {"area_text": area_text, "date_forms": date_forms, "fullwidth": to_fullwidth, "spaces": spaces}


def _header_row(rows: list[list]) -> int:
    for index, row in enumerate(rows):
        if sum(1 for c in row if isinstance(c, str) and c.strip() in KIND_OF) >= 3:
            return index
    raise AssertionError("no heading row")


def _sheets(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        rows = [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
        header = _header_row([[v for v, _f in row] for row in rows])
        headings = [v for v, _f in rows[header]]
        data_rows = [row for row in rows[header + 1:] if any(v not in (None, "") for v, _f in row)]
        yield ws.title, headings, data_rows


#: Unknown columns a village adds: 序号 first, two in the middle, one without a heading at the end.
EXTRA = (("序号", lambda i: i + 1), ("经办人", lambda i: ("王会计", "李文书")[i % 2]),
         ("核实情况", lambda i: "已核实" if i % 3 else None), ("", lambda i: "√" if i % 2 else None))
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL = PatternFill("solid", fgColor="FFF2CC")


def faulty(data: bytes, faults: tuple[str, ...] | str, *, seed: int = 0, tail_rows: int = 200) -> bytes:
    """The workbook ``data`` written again by openpyxl with ``faults`` (names of :data:`ONE_AT_A_TIME`;
    ``"combined"`` = all of them, value faults chosen per cell by ``seed``)."""
    if isinstance(faults, str):
        faults = (faults,)
    if "combined" in faults:
        faults = ("title_rows_3", "blank_row", "styled_tail", "reorder", "extra_columns", *VALUE_FAULTS)
    rng = random.Random(seed)
    titles = max((int(f[-1]) for f in faults if f.startswith("title_rows_")), default=None)
    out = openpyxl.Workbook()
    out.remove(out.active)
    for name, headings, rows in _sheets(data):
        ws = out.create_sheet(name)
        order = list(range(len(headings)))
        if "reorder" in faults:
            order = order[1::2][::-1] + order[0::2]
        extra = EXTRA if "extra_columns" in faults else ()
        width = len(order) + len(extra)
        lines: list[tuple[list, bool]] = []  # (cells, merged title)
        if titles:
            texts = (f"{name} 台账（村集体经济组织填报）", "填报单位：（盖章）        填报日期：2025年11月20日",
                     "单位：亩、㎡、元")
            lines += [([texts[t]], True) for t in range(titles)]
        head = [headings[j] for j in order]
        if extra:
            head = [extra[0][0], *head[:3], extra[1][0], extra[2][0], *head[3:], extra[3][0]]
        lines.append((head, False))
        value_faults = [f for f in VALUE_FAULTS if f in faults]
        combined = len(value_faults) > 1
        for i, row in enumerate(rows):
            cells = []
            for j in order:
                value, fmt = row[j] if j < len(row) else (None, "General")
                kind = KIND_OF.get(str(headings[j]).strip(), "other")
                for f in value_faults:
                    if not combined or rng.random() < 0.6:
                        value = TRANSFORMS[f](kind, value, i + j)
                cells.append(value if isinstance(value, tuple) else (value, fmt))
            if extra:
                more = [(fill(i), "General") for _heading, fill in extra]
                cells = [more[0], *cells[:3], more[1], more[2], *cells[3:], more[3]]
            lines.append((cells, False))
            if "blank_row" in faults and i == len(rows) // 2:
                lines.append(([], False))
        for number, (cells, merged) in enumerate(lines, start=1):
            for col, cell in enumerate(cells, start=1):
                value, fmt = cell if isinstance(cell, tuple) else (cell, None)
                target = ws.cell(number, col, value)
                if fmt and fmt != "General":
                    target.number_format = fmt
            if merged and width > 1:
                ws.merge_cells(f"A{number}:{get_column_letter(width)}{number}")
        if "styled_tail" in faults:
            start = len(lines) + 1
            for number in range(start, start + tail_rows):
                for col in range(1, width + 1):
                    target = ws.cell(number, col)
                    target.border, target.fill, target.number_format = _BORDER, _FILL, "@"
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def with_cell(data: bytes, sheet: str, heading: str, index: int, value) -> bytes:
    """``data`` with the ``index``-th data row's cell under ``heading`` of ``sheet`` set to ``value``."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = _header_row(rows)
    ws.cell(header + 2 + index, rows[header].index(heading) + 1, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
