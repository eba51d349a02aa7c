"""Hostile and broken workbooks (registry/excel/guard.py, reader.py): zip bombs and cell bombs are
``file.too_large`` before calamine allocates anything; a truncated zip is ``file.not_excel``; a Strict
Open XML workbook and a sheet formatted down to row 1,048,576 read normally."""
from __future__ import annotations

import io
import random
import time
import zipfile

import pytest

from registry.excel import guard
from registry.excel.guard import TooLarge, check_xlsx, column_name
from registry.excel.reader import FileError, read_roster
from tests.conftest import SAMPLES

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
             f'package/2006/relationships"><Relationship Id="rId1" Type="{RELNS}/officeDocument" '
             'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{RELNS}"><sheets>'
            '<sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 f'package/2006/relationships"><Relationship Id="rId1" Type="{RELNS}/worksheet" '
                 'Target="worksheets/sheet1.xml"/></Relationships>')
HEADER = ["户编号", "成员姓名", "证件号码", "与户主关系"]
ROW = ["0001", "张三", "11010519491231002X", "户主"]


def cell(ref: str, text: str, quote: str = '"') -> str:
    return f'<c r={quote}{ref}{quote} t="inlineStr"><is><t>{text}</t></is></c>'


def data_rows(*rows: list[str], start: int = 1) -> str:
    out = []
    for n, values in enumerate(rows, start=start):
        cells = "".join(cell(f"{column_name(i)}{n}", v) for i, v in enumerate(values, start=1))
        out.append(f'<row r="{n}">{cells}</row>')
    return "".join(out)


def xlsx_of(sheet_data: str, *, strict: bool = False, extra: dict[str, str] | None = None) -> bytes:
    """A minimal xlsx around ``<sheetData>`` content (inline strings, no styles part needed); ``extra``
    adds parts (e.g. ``xl/sharedStrings.xml``)."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
                                    f"<sheetData>{sheet_data}</sheetData></worksheet>",
        **(extra or {}),
    }
    if strict:  # ISO/IEC 29500 Strict: other namespace URIs, same structure
        parts = {k: v.replace(NS, "http://purl.oclc.org/ooxml/spreadsheetml/main")
                 .replace(RELNS, "http://purl.oclc.org/ooxml/officeDocument/relationships") for k, v in parts.items()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def code_of(data: bytes, **limits) -> str:
    with pytest.raises(FileError) as info:
        read_roster(data, "x.xlsx", **limits)
    return info.value.code


def test_one_far_cell_is_too_large_before_calamine_allocates_the_range():
    # calamine would build a 16,384 × 1,048,576 range from these two cells and abort the process.
    bomb = xlsx_of(data_rows(HEADER, ROW) + f'<row r="1048576">{cell("XFD1048576", "x")}</row>')
    assert len(bomb) < 2000
    started = time.perf_counter()
    assert code_of(bomb) == "file.too_large"
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("far", ["A200021", "Z300000", "AMJ3", "BM2", "bm2"])
def test_a_value_beyond_the_row_or_column_bound_is_too_large(far):
    row_number = far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    data = xlsx_of(data_rows(HEADER, ROW) + f'<row r="{row_number}">{cell(far, "x")}</row>')
    assert code_of(data, max_rows=200_000, max_columns=64) == "file.too_large"


def test_values_up_to_the_bounds_are_read():
    edge = f'<row r="3">{cell("BL3", "备注")}</row>'  # column 64
    sheet = read_roster(xlsx_of(data_rows(HEADER, ROW) + edge), max_rows=10, max_columns=64)
    assert [n for n, _ in sheet.rows()] == [2, 3]


def test_a_row_without_cell_references_takes_the_row_number():
    far_row = '<row r="900000"><c t="inlineStr"><is><t>x</t></is></c></row>'
    assert code_of(xlsx_of(data_rows(HEADER, ROW) + far_row)) == "file.too_large"


def test_single_quoted_references_are_checked_too():
    bomb = data_rows(HEADER, ROW) + f"<row r='1048576'>{cell('XFD1048576', 'x', quote=chr(39))}</row>"
    assert code_of(xlsx_of(bomb)) == "file.too_large"


def test_empty_formatted_rows_beyond_the_bound_are_ignored():
    # Excel writes formatting down the sheet as empty styled cells; calamine ignores them, so does the guard.
    formatted = "".join(f'<row r="{n}" spans="1:2" s="1" customFormat="1"><c r="A{n}" s="1"/><c r="B{n}" s="1"/>'
                        "</row>" for n in range(3, 20_000))
    sheet = read_roster(xlsx_of(data_rows(HEADER, ROW) + formatted), max_rows=1000)
    assert [n for n, _ in sheet.rows()] == [2]


def test_a_million_empty_formatted_rows_read_as_one_data_row():
    formatted = '<row s="1" customFormat="1"><c s="1"/><c s="1"/><c s="1"/><c s="1"/></row>' * 1_048_574
    data = xlsx_of(data_rows(HEADER, ROW) + formatted)
    started = time.perf_counter()
    sheet = read_roster(data)
    assert [n for n, _ in sheet.rows()] == [2]
    assert time.perf_counter() - started < 30


def test_zip_bomb_by_declared_size_is_too_large():
    padding = " " * (50 * 1024 * 1024)  # 50 MB of blanks deflate to ~50 KB
    data = xlsx_of(data_rows(HEADER, ROW) + f"<row r=\"3\">{cell('A3', 'x')}</row><!--{padding}-->")
    assert len(data) < 200_000
    assert code_of(data, max_uncompressed=10 * 1024 * 1024) == "file.too_large"


def test_zip_that_lies_about_its_inflated_size_is_refused():
    data = bytearray(xlsx_of(data_rows(HEADER, ROW) + "<!--" + " " * 200_000 + "-->"))
    # Declare the sheet 1,000 bytes long in the central directory; it really inflates to ~200 KB.
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    assert code_of(bytes(data)) in ("file.not_excel", "file.too_large")


def test_ods_rows_repeated_a_million_times_are_too_large():
    from tests.excel.test_reader import ods

    data = ods([HEADER, ROW])
    body = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        content = src.read("content.xml").decode().replace("</table:table>", body + "</table:table>")
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["content.xml"] = content.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, payload in parts.items():
            z.writestr(name, payload)
    assert code_of(buf.getvalue()) == "file.too_large"


def test_ods_with_trailing_empty_repeated_rows_reads():
    from tests.excel.test_reader import ods

    data = ods([HEADER, ROW])
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        tail = ('<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
        content = src.read("content.xml").decode().replace("</table:table>", tail + "</table:table>")
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["content.xml"] = content.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, payload in parts.items():
            z.writestr(name, payload)
    assert [n for n, _ in read_roster(buf.getvalue()).rows()] == [2]


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9, 0.99])
def test_truncated_zip_is_not_excel(keep):
    whole = (SAMPLES / "roster_370305100201.xlsx").read_bytes()
    assert code_of(whole[: int(len(whole) * keep)]) == "file.not_excel"


def test_strict_open_xml_workbook_reads_like_transitional():
    sheet = read_roster(xlsx_of(data_rows(HEADER, ROW), strict=True), "strict.xlsx")
    assert [v["name"] for _, v in sheet.rows()] == ["张三"]


# --- issue 10 item 1: cells without references, the rectangle, shared strings, .xlsb ----------------------

VALUE = '<c t="inlineStr"><is><t>x</t></is></c>'  # no r="…": the position after the previous cell


def unreferenced_bomb() -> bytes:
    """The attack of issue 10: a row of 16,383 empty cells puts the next value in column XFD, then a
    value in row 200,000 (within the row bound): calamine would allocate 200,000 × 16,384 cells."""
    return xlsx_of(data_rows(HEADER, ROW) + '<row r="3">' + "<c/>" * 16_383 + VALUE + "</row>"
                   + f'<row r="200000">{VALUE}</row>')


def rectangle_bomb() -> bytes:
    """Every value within 200,000 rows and 64 columns, but the rectangle holds 12.8 million cells
    (~400 MB in calamine; the issue's allowed 568 KB file cost 1.35 GB)."""
    return xlsx_of(data_rows(HEADER, ROW) + f'<row r="200000">{cell("BL200000", "x")}</row>')


@pytest.fixture
def no_calamine(monkeypatch):
    """Fails the test if the reader gets as far as calamine (the guard must refuse first)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine opened a file the guard should have refused")
    monkeypatch.setattr("registry.excel.reader.CalamineWorkbook.from_filelike", refuse)


@pytest.mark.parametrize("make", [unreferenced_bomb, rectangle_bomb])
def test_cells_without_references_and_wide_rectangles_are_too_large_before_calamine(no_calamine, make):
    data = make()
    assert len(data) < 2500
    started = time.perf_counter()
    with pytest.raises(FileError) as info:
        read_roster(data, "bomb.xlsx")
    assert info.value.code == "file.too_large" and "文件太大" in info.value.message
    assert time.perf_counter() - started < 2


def test_unreferenced_cells_count_per_row_against_the_column_bound(no_calamine):
    row = '<row r="3">' + "<c/>" * 64 + VALUE + "</row>"  # the value lands in column 65
    assert code_of(xlsx_of(data_rows(HEADER, ROW) + row), max_columns=64) == "file.too_large"


def test_rows_without_references_count_against_the_row_bound(no_calamine):
    rows = f"<row>{VALUE}</row>" * 1_100  # beyond 1,000 + the 20 header-scan rows
    assert code_of(xlsx_of(data_rows(HEADER, ROW) + rows), max_rows=1_000) == "file.too_large"


def test_namespaced_and_unreferenced_cells_are_placed_too(no_calamine):
    prefixed = data_rows(HEADER, ROW).replace("<row", "<x:row").replace("</row>", "</x:row>")
    prefixed = prefixed.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    value = VALUE.replace("<c", "<x:c").replace("</c>", "</x:c>")
    far = '<x:row r="3">' + "<x:c/>" * 100 + value + "</x:row>"
    assert code_of(xlsx_of(prefixed + far), max_columns=64) == "file.too_large"


def test_a_roster_written_without_references_reads_normally():
    rows = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"
                   for values in (HEADER, ROW))
    sheet = read_roster(xlsx_of(rows), max_rows=10)
    assert [(n, v["name"]) for n, v in sheet.rows()] == [(2, "张三")]


def test_the_rectangle_bound_is_a_setting():
    data = xlsx_of(data_rows(HEADER, ROW) + f'<row r="30">{cell("D30", "x")}</row>')  # 30 × 4 cells
    assert code_of(data, max_cells=100) == "file.too_large"
    assert [n for n, _ in read_roster(data, max_cells=120).rows()] == [2, 30]


def shared_strings(items: list[str]) -> dict[str, str]:
    body = "".join(f"<si><t>{t}</t></si>" for t in items)
    return {"xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">{body}</sst>'}


def test_a_huge_shared_strings_part_is_too_large(no_calamine):
    # 3 MB of one string: within the 10 MB inflated bound, beyond a quarter of it for shared strings.
    data = xlsx_of(data_rows(HEADER, ROW), extra=shared_strings(["x" * (3 * 1024 * 1024)]))
    assert len(data) < 20_000
    assert code_of(data, max_uncompressed=10 * 1024 * 1024) == "file.too_large"


def test_more_shared_strings_than_half_the_cell_bound_is_too_large(no_calamine):
    data = xlsx_of(data_rows(HEADER, ROW), extra=shared_strings([str(n) for n in range(600)]))
    assert code_of(data, max_cells=1_000) == "file.too_large"


def xlsb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00" * 100)
    return buf.getvalue()


def test_xlsb_is_refused_with_a_clear_message(no_calamine):
    with pytest.raises(FileError) as info:
        read_roster(xlsb(), "roster.xlsb")
    assert info.value.code == "file.not_excel"
    assert ".xlsb" in info.value.message and ".xlsx" in info.value.message


def test_a_worksheet_or_shared_strings_part_under_another_name_is_checked_too(no_calamine):
    """The relationships, not the part names, say which part is a worksheet: a sheet stored as
    ``xl/media/image1.bin`` and shared strings named otherwise are scanned and bounded the same."""
    rels = WORKBOOK_RELS.replace("worksheets/sheet1.xml", "media/image1.bin")
    bomb = unreferenced_bomb()
    with zipfile.ZipFile(io.BytesIO(bomb)) as src:
        sheet = src.read("xl/worksheets/sheet1.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
                           "xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": rels}.items():
            z.writestr(name, text)
        z.writestr("xl/media/image1.bin", sheet)
    assert code_of(buf.getvalue()) == "file.too_large"
    strings = shared_strings(["x" * (3 * 1024 * 1024)])["xl/sharedStrings.xml"]
    data = xlsx_of(data_rows(HEADER, ROW), extra={"xl/strings.dat": strings})
    assert code_of(data, max_uncompressed=10 * 1024 * 1024) == "file.too_large"


def test_empty_unreferenced_rows_over_many_blocks_still_move_the_position(no_calamine):
    # 16 MB of empty rows without r="…" (two scan blocks skipped by count), then a value: row 1,000,003.
    data = xlsx_of(data_rows(HEADER, ROW) + "<row><c/></row>" * 1_000_000 + f"<row>{VALUE}</row>")
    assert code_of(data) == "file.too_large"


# --- the quick path of check_xlsx against the exact walk ---------------------------------------------------

def verdict(data: bytes, *, quick: bool, **bounds) -> str | None:
    """The detail of the guard's refusal (``"size"`` for an uncompressed-size one), None if accepted."""
    limits = {"max_rows": 1_000_000, "max_columns": 16_384, "max_uncompressed": 1 << 30,
              "max_cells": 20_000_000, **bounds}
    try:
        check_xlsx(zipfile.ZipFile(io.BytesIO(data)), quick=quick, **limits)
    except TooLarge as refused:
        return refused.detail or "size"
    return None


@pytest.fixture
def quick_blocks(monkeypatch):
    """Counts the blocks the quick path took (and lets a test shrink the scan blocks)."""
    taken = []
    original = guard._SheetScan.quick

    def counting(self, tail, chunk, cut):
        taken.append(original(self, tail, chunk, cut))
        return taken[-1]
    monkeypatch.setattr(guard._SheetScan, "quick", counting)
    return taken


def same_verdict(data: bytes, quick_blocks: list[bool], **bounds) -> str | None:
    exact = verdict(data, quick=False, **bounds)
    assert verdict(data, quick=True, **bounds) == exact
    return exact


def normal_rows(first: int, last: int, columns: int = 4) -> str:
    return "".join(f'<row r="{n}">' + "".join(cell(f"{column_name(c)}{n}", "值") for c in range(1, columns + 1))
                   + "</row>" for n in range(first, last + 1))


@pytest.mark.parametrize("chunk", [64, 1000, 8 * 1024 * 1024])
@pytest.mark.parametrize("odd, refused", [
    ('<row r="20"><c r="Z900000" t="inlineStr"><is><t>x</t></is></c></row>', True),  # far, only in the ref
    ('<row r="20"><c r="A500" t="inlineStr"><is><t>x</t></is></c></row>', True),  # r row ≠ <row r>
    ('<row r="500"><c r="A500" t="inlineStr"><is><t>x</t></is></c></row>', True),  # rows out of order
    ('<row r="300"><c r="A300" t="inlineStr"><is><t>x</t></is></c></row>', False),  # … within the bounds
    ('<row r="20"><c r="D300" t="inlineStr"><is><t>x</t></is></c></row>', False),  # r row ≠ <row r>, within
    ('<row r="20"><c r="XFD20" t="inlineStr"><is><t>x</t></is></c></row>', True),  # XFD among rows
    ('<row r="20"><c r="XFD20" s="1"/></row>', False),  # empty: ignored
    ('<row r="20"><c r="A20"/><c/><c/><c t="inlineStr"><is><t>x</t></is></c></row>', False),
    ('<row r="20"><c r="A20"/>' + "<c/>" * 70 + '<c t="inlineStr"><is><t>x</t></is></c></row>', True),
    ('<row r="20" s="1"/><row/><row><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>', False),
    ('<x:row r="20"><x:c r="A900" t="inlineStr"><is><t>x</t></is></x:c></x:row>', True),
])
def test_the_quick_path_refuses_exactly_what_the_exact_walk_refuses(monkeypatch, quick_blocks, chunk, odd,
                                                                     refused):
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    sheet = normal_rows(1, 19) + odd + normal_rows(21, 60)
    assert (same_verdict(xlsx_of(sheet), quick_blocks, max_rows=400, max_columns=64) is not None) == refused
    assert any(quick_blocks) or chunk > 10_000  # the normal rows around went the quick way (small blocks)


def test_a_huge_empty_formatted_region_is_accepted_by_both(monkeypatch, quick_blocks):
    monkeypatch.setattr(guard, "_CHUNK", 4096)
    formatted = "".join(f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/><c r="XFD{n}" s="1"/></row>'
                        for n in range(61, 50_000))
    data = xlsx_of(normal_rows(1, 60) + formatted)
    assert same_verdict(data, quick_blocks, max_rows=100, max_cells=1000) is None
    assert any(quick_blocks) and not all(quick_blocks)


def test_the_over_estimate_never_refuses_alone(monkeypatch, quick_blocks):
    # Quick blocks add rows 0..59 (50 rounded up) × 2 columns; an unreferenced row then puts a value at
    # row 51: exactly 51 × 2 = 102 cells, the over-estimate 60 × 2 = 120. The part is scanned again.
    monkeypatch.setattr(guard, "_CHUNK", 256)
    scans, scan_part = [], guard._scan_part

    def recording(*args, quick):
        scans.append(quick)
        return scan_part(*args, quick=quick)
    monkeypatch.setattr(guard, "_scan_part", recording)
    data = xlsx_of(normal_rows(1, 50, columns=2) + '<row><c r="B51" t="inlineStr"><is><t>x</t></is></c></row>')
    assert verdict(data, quick=True, max_cells=102) is None
    sheet = [n for n, info in enumerate(zipfile.ZipFile(io.BytesIO(data)).infolist())
             if info.filename == "xl/worksheets/sheet1.xml"][0]
    assert scans[sheet:sheet + 2] == [True, False]  # refused by the over-estimate, accepted when exact
    assert verdict(data, quick=False, max_cells=102) is None
    assert same_verdict(data, quick_blocks, max_cells=101) is not None


ODD_CELLS = [
    '<c r="{col}{far}" t="inlineStr"><is><t>x</t></is></c>', '<c t="inlineStr"><is><t>x</t></is></c>', "<c/>",
    '<c s="1" r="{col}{row}"><v>1</v></c>', '<c r="{col}"><v>1</v></c>', '<c r="{row}"><v>1</v></c>',
    '<c r="{lower}{row}"><v>1</v></c>', '<x:c r="{col}{row}"><v>1</v></x:c>', "<si><t>s</t></si>",
    '<c r="{col}{row}" s="1"/>', '<c r="{col}0{row}"><v>1</v></c>', '<cols><col min="1"/></cols>',
    '<c r="XFD{row}" s="1"/>', '<c r="{wide}{row}"><v>1</v></c>', "<!-- <c r='A1'> -->",
    "<c r='{col}{row}'><v>1</v></c>", '<c\tr="{col}{row}"><v>1</v></c>', '<c r="{col}{row}" x="a>b"><v>1</v></c>',
    '<c r="{col}{far}"/>', '<rowBreaks count="1"/>',
]


def random_sheet(rng: random.Random) -> str:
    """Rows as Excel writes them, with now and then (or never) something the quick path must notice."""
    out, row, odd = [], 0, rng.choice((0, 0.003, 0.02))
    for _ in range(rng.randint(1, 150)):
        kind = rng.random()
        if kind < odd:
            out.append(rng.choice(("<row>", '<row s="1">', "<row/>", "<x:row>")))
            row += 1
        else:
            row = rng.randint(1, 3000) if kind < 2 * odd else row + rng.choice((1, 1, 1, 2, 40))
            out.append(f'<row r="{row}">' if rng.random() < 0.97 else f'<row r="{row}" spans="1:4"/><row r="{row}">')
        for c in range(1, rng.randint(1, 8)):
            if rng.random() < odd:
                out.append(rng.choice(ODD_CELLS).format(
                    col=column_name(c), row=row, far=rng.choice((row, 900, 99_999)), lower=column_name(c).lower(),
                    wide=column_name(rng.randint(27, 800))))
            elif rng.random() < 0.2:
                out.append(f'<c r="{column_name(c)}{row}" s="1"/>')
            else:
                out.append(cell(f"{column_name(c)}{row}", "值" * rng.randint(0, 9)))
        out.append("</row>")
    return "".join(out)


def test_the_quick_path_agrees_with_the_exact_walk_on_random_sheets(monkeypatch, quick_blocks):
    rng = random.Random(20260407)
    verdicts = []
    for _ in range(400):
        monkeypatch.setattr(guard, "_CHUNK", rng.choice((40, 97, 300, 1024, 4096, 65_536)))
        monkeypatch.setattr(guard, "_SAMPLE", rng.choice((64, 16_384)))
        data = xlsx_of(random_sheet(rng))
        bounds = {"max_rows": rng.choice((100, 1000, 5000, 200_000)), "max_columns": rng.choice((8, 64, 16_384)),
                  "max_cells": rng.choice((200, 2000, 20_000, 20_000_000))}
        verdicts.append(same_verdict(data, quick_blocks, **bounds))
    # Both outcomes occur, and the quick path really ran (not only its fallbacks).
    assert 40 < sum(v is None for v in verdicts) < 360
    assert sum(quick_blocks) > 1000 and not all(quick_blocks)
