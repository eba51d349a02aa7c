"""The issue's hand-made bad files through the upload screen: each answers with its code and a Chinese
message (422) or, for a readable file, the preview — never a 500, and nothing is written."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from registry.models import Person
from tests.conftest import SAMPLES
from tests.excel.test_guard import HEADER, ROW, cell, data_rows, xlsx_of
from tests.excel.test_reader import cfb

URL = "/villages/370305100201/import"
WHOLE = (SAMPLES / "roster_370305100201.xlsx").read_bytes()

CASES = {
    "empty": (b"", "file.empty"),
    "csv_renamed": ("户编号,成员姓名,证件号码,与户主关系\n0001,张三,11010519491231002X,户主\n".encode(),
                    "file.not_excel"),
    "html_as_xls": ("<html><body><table><tr><td>户编号</td></tr></table></body></html>".encode(), "file.not_excel"),
    "encrypted": (cfb("EncryptionInfo", "EncryptedPackage"), "file.encrypted"),
    "truncated_zip": (WHOLE[: len(WHOLE) // 2], "file.not_excel"),
    "cell_bomb": (xlsx_of(data_rows(HEADER, ROW) + f'<row r="1048576">{cell("XFD1048576", "x")}</row>'),
                  "file.too_large"),
    # 20 MB of blanks deflate to ~20 KB; the limit is lowered to 10 MB below (400 MB by default).
    "zip_bomb": (xlsx_of(data_rows(HEADER, ROW) + "<!--" + " " * (20 * 1024 * 1024) + "-->"), "file.too_large"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gets_its_code_not_a_500(app, login_as, db, name):
    app.config["ROSTER_MAX_UNCOMPRESSED"] = 10 * 1024 * 1024
    data, code = CASES[name]
    resp = login_as("clerk").post(URL, content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(data), f"{name}.xlsx")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:300]
    assert code in html and "文件" in html
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


@pytest.mark.parametrize("name,data", [
    ("strict_open_xml", xlsx_of(data_rows(HEADER, ROW), strict=True)),
    ("formatted_to_the_last_row", xlsx_of(data_rows(HEADER, ROW)
                                          + '<row s="1" customFormat="1"><c s="1"/><c s="1"/></row>' * 1_048_574)),
])
def test_unusual_but_valid_workbooks_preview(login_as, db, name, data):
    resp = login_as("clerk").post(URL, content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(data), f"{name}.xlsx")})
    assert resp.status_code == 200 and "导入预览" in resp.get_data(as_text=True)
