"""File detection, header finding and row streaming (registry/excel/reader.py, columns.py)."""
from __future__ import annotations

import inspect
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from registry.excel.columns import HEADINGS, REQUIRED_KEYS, STANDARD_COLUMNS, map_header, match_heading
from registry.excel.reader import FileError, detect_kind, read_roster

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
MIN_HEADER = ["户编号", "成员姓名", "证件号码", "与户主关系"]


def xlsx(*sheets: list[list], hidden_first: bool = False, origin: tuple[int, int] = (1, 1)) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n, rows in enumerate(sheets):
        ws = wb.create_sheet(f"S{n}")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.cell(origin[0] + r, origin[1] + c, value)
    if hidden_first:
        wb.worksheets[0].sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods(rows: list[list]) -> bytes:
    def cell(v):
        if isinstance(v, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                    f"<text:p>{v}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="名册">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", MANIFEST)
    return buf.getvalue()


def cfb(*stream_names: str) -> bytes:
    """A compound-file header plus one directory sector naming the given streams."""
    header = bytearray(512)
    header[:8] = CFB_MAGIC
    entries = bytearray()
    for name in ("Root Entry", *stream_names):
        raw = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(raw)] = raw
        entry[64:66] = len(raw).to_bytes(2, "little")
        entries += entry
    return bytes(header) + bytes(entries)


def zip_of(**files: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name.replace("__", "/"), text)
    return buf.getvalue()


def code_of(data: bytes, **kw) -> str:
    with pytest.raises(FileError) as info:
        read_roster(data, "x.xlsx", **kw)
    assert info.value.message and info.value.message == info.value.message_zh
    return info.value.code


# --- samples ------------------------------------------------------------------------------------------
def test_messy_sample_header_found_on_row_3_and_blank_rows_skipped():
    sheet = read_roster((SAMPLES / "roster_messy.xlsx").read_bytes(), "roster_messy.xlsx")
    assert (sheet.kind, sheet.sheet_name, sheet.header_row) == ("xlsx", "成员名册", 3)
    assert list(sheet.headings) == list(HEADINGS)
    expected = json.loads((SAMPLES / "roster_messy.expected.json").read_text("utf-8"))
    expected_rows = [e["row"] for e in expected]
    assert [n for n, _ in sheet.rows()] == expected_rows   # row 50 and the 30 formatted rows skipped
    assert [n for n, _ in sheet.raw_rows()] == expected_rows


@pytest.mark.parametrize("name,count", [("roster_370305100201", 347), ("roster_370305100202", 804),
                                        ("roster_370305102201", 1446)])
def test_clean_samples_header_on_row_2(name, count):
    sheet = read_roster((SAMPLES / f"{name}.xlsx").read_bytes())
    assert sheet.header_row == 2 and set(sheet.columns) == {c.key for c in STANDARD_COLUMNS}
    rows = list(sheet.rows())
    assert len(rows) == count and rows[0][0] == 3
    first = rows[0][1]
    assert isinstance(first["id_number"], str) and first["household_no"] == "0001"


def test_rows_is_a_generator_and_empty_cells_are_none():
    sheet = read_roster(xlsx([MIN_HEADER + ["备注"], ["0001", "张三", "11010519491231002X", "户主", None]]))
    gen = sheet.rows()
    assert inspect.isgenerator(gen)
    assert list(gen) == [(2, {"household_no": "0001", "name": "张三", "id_number": "11010519491231002X",
                              "relation": "户主", "notes": None})]
    assert list(sheet) == list(sheet.rows())  # re-iterable


# --- bad files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data,code", [
    (b"", "file.empty"),
    ("序号,组,户编号,成员姓名,证件号码,与户主关系\n1,1,0001,张三,11010519491231002X,户主\n".encode(),
     "file.not_excel"),                                                       # CSV renamed .xlsx
    ("<html><head><meta charset='utf-8'></head><body><table><tr><td>户编号</td><td>成员姓名</td>"
     "</tr></table></body></html>".encode(), "file.not_excel"),             # HTML saved as .xls
    ("这是一个文本文件".encode(), "file.not_excel"),
    (b"\xef\xbb\xbf\xe6\x88\xb7\xe7\xbc\x96\xe5\x8f\xb7\t", "file.not_excel"),  # BOM + TSV
    (cfb("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"), "file.encrypted"),
    (cfb("WordDocument", "1Table"), "file.not_excel"),                       # a .doc
    (cfb("Workbook") + b"\0" * 64, "file.not_excel"),                         # corrupt .xls
    (zip_of(word__document_xml="<w/>"), "file.not_excel"),                   # a .docx
    (zip_of(xl__workbook_xml="garbage"), "file.not_excel"),                  # corrupt .xlsx
    (b"PK\x03\x04 not really a zip", "file.not_excel"),
])
def test_bad_files_give_their_file_code(data, code):
    assert code_of(data) == code


def test_file_not_excel_message_is_chinese():
    with pytest.raises(FileError) as info:
        read_roster(b"a,b\n1,2\n", "roster.xlsx")
    assert "不是 Excel 表格" in info.value.message


def test_file_too_large():
    data = xlsx([MIN_HEADER])
    assert code_of(data, max_bytes=len(data) - 1) == "file.too_large"
    assert read_roster(data, max_bytes=len(data)).header_row == 1


def test_too_many_rows_is_file_too_large():
    data = xlsx([MIN_HEADER] + [["0001", "张三", "x", "户主"]] * 5)
    assert code_of(data, max_rows=4) == "file.too_large"


def test_file_no_header():
    assert code_of(xlsx([["甲", "乙", "丙"], [1, 2, 3], ["成员名册"]])) == "file.no_header"
    assert code_of(xlsx([])) == "file.no_header"


def test_header_beyond_row_20_is_not_searched():
    assert code_of(xlsx([["说明"]] * 20 + [MIN_HEADER])) == "file.no_header"
    assert read_roster(xlsx([["说明"]] * 19 + [MIN_HEADER])).header_row == 20


def test_file_missing_column_names_the_columns():
    with pytest.raises(FileError) as info:
        read_roster(xlsx([["序号", "户编号", "成员姓名", "性别", "与户主关系"]]))
    assert info.value.code == "file.missing_column"
    assert info.value.missing == ("证件号码",) and "证件号码" in info.value.message


# --- detection ------------------------------------------------------------------------------------------
def test_detect_kind_from_bytes_not_name():
    data = xlsx([MIN_HEADER])
    assert detect_kind(data) == "xlsx"
    assert read_roster(data, "名册.xls").kind == "xlsx"
    assert detect_kind(ods([MIN_HEADER])) == "ods"
    assert detect_kind(cfb("Workbook")) == "xls"


def test_ods_is_read():
    sheet = read_roster(ods([["标题"], MIN_HEADER, ["0001", "张三", "11010519491231002X", "户主"]]), "a.ods")
    assert sheet.kind == "ods" and sheet.header_row == 2
    assert list(sheet.rows())[0][1]["name"] == "张三"


# --- header matching ---------------------------------------------------------------------------------
def test_header_synonyms_spaces_bom_and_offset():
    header = ["\ufeff户号", "姓 名", "性\u00a0别", "身份证号码", "关系\u200b", " 出生年月日 ", "未知列"]
    row = ["0001", "张三", "男", "11010519491231002X", "户主", None, "x"]
    data = xlsx([["某村成员名册"], [], header, row], origin=(3, 3))
    sheet = read_roster(data)
    assert sheet.header_row == 5
    assert sheet.columns == {"household_no": 0, "name": 1, "sex": 2, "id_number": 3, "relation": 4,
                             "birth_date": 5}
    assert sheet.ignored == ("未知列",)
    assert [n for n, _ in sheet.rows()] == [6]


@pytest.mark.parametrize("text,key", [
    ("证件号码", "id_number"), ("身份证号", "id_number"), ("公民身份号码", "id_number"),
    ("证件号", "id_number"),
    ("证件号码（必填）", "id_number"), ("*成员姓名", "name"), ("姓名", "name"), ("性 别", "sex"),
    ("与户主关系", "relation"), ("与户主的关系", "relation"), ("户号", "household_no"), ("组别", "group"),
    ("村代码", "village_code"), ("行政区编号", "village_code"), ("村级代码", "village_code"),
    ("备注", "notes"), ("成员备注", "remark"), ("户主姓名", "head_name"), ("取得日期", "acquired_at"),
    ("ＮＯ", "seq"), ("成员名册", None), ("", None), (3.0, None),
])
def test_match_heading(text, key):
    assert match_heading(text) == key


def test_required_columns_and_standard_order():
    assert REQUIRED_KEYS == ("household_no", "name", "id_number", "relation")
    assert map_header(HEADINGS)["id_number"] == 7 and len(HEADINGS) == 21


def test_first_sheet_without_header_and_hidden_sheet_are_skipped():
    notes = [["填表说明"], ["请按模板填写"]]
    table = [MIN_HEADER, ["0001", "张三", "11010519491231002X", "户主"]]
    sheet = read_roster(xlsx(notes, table))
    assert sheet.sheet_name == "S1"
    hidden = read_roster(xlsx([MIN_HEADER, ["9999", "隐藏", "x", "户主"]], table, hidden_first=True))
    assert hidden.sheet_name == "S1"


def test_raw_rows_keep_original_cells():
    data = xlsx([MIN_HEADER + ["多余"], [19, " 张三 ", 3.70305e17, "户主", "x"]])
    sheet = read_roster(data)
    assert list(sheet.raw_rows()) == [(2, [19, " 张三 ", 3.70305e17, "户主", "x"])]


def test_two_level_header_is_merged():
    top = ["户编号", "成员姓名", "证件号码", "与户主关系", "股份", None]
    sub = [None, None, None, None, "人口股", "农龄股"]
    data = xlsx([["标题"], top, sub, ["0001", "张三", "11010519491231002X", "户主", 1, 30]])
    sheet = read_roster(data)
    assert sheet.header_row == 3
    assert sheet.columns["population_shares"] == 4 and sheet.columns["farm_age_shares"] == 5
    assert sheet.headings[4:] == ("人口股", "农龄股")
    assert [n for n, _ in sheet.rows()] == [4]


def test_first_data_row_is_not_taken_for_a_second_header_row():
    data = xlsx([MIN_HEADER + ["备注"], ["0001", "张三", "11010519491231002X", "户主", "性别"]])
    sheet = read_roster(data)
    assert sheet.header_row == 1 and [n for n, _ in sheet.rows()] == [2]
