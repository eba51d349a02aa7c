"""Hostile and broken workbooks (registry/excel/guard.py, reader.py): zip bombs and cell bombs are
``file.too_large`` before calamine allocates anything; a truncated zip is ``file.not_excel``; a Strict
Open XML workbook and a sheet formatted down to row 1,048,576 read normally."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from registry.excel.guard import column_name
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


def xlsx_of(sheet_data: str, *, strict: bool = False) -> bytes:
    """A minimal xlsx around ``<sheetData>`` content (inline strings, no styles part needed)."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
                                    f"<sheetData>{sheet_data}</sheetData></worksheet>",
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
