"""Import screens through HTTP: upload → preview → apply; error workbook; bad files never 500."""
from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import Membership, Person
from tests.conftest import SAMPLES, make_id

URL = "/villages/370305100201/import"


def _upload(client, path_or_bytes, name="roster.xlsx", url=URL):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    form = {"file": (io.BytesIO(data), name)}
    return client.post(url, data=form, content_type="multipart/form-data")


def _token(html: str) -> str:
    match = re.search(r"/import/([0-9a-f]{32})/", html)
    assert match, html[:2000]
    return match.group(1)


def test_upload_preview_apply_and_reimport_unchanged(login_as, db):
    client = login_as("clerk")
    resp = _upload(client, SAMPLES / "roster_370305100201.xlsx")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "导入预览" in html and "347" in html
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0  # preview writes nothing
    token = _token(html)
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 347
    page = client.get(resp.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "新增 347 人" in page

    again = _upload(client, SAMPLES / "roster_370305100201.xlsx").get_data(as_text=True)
    token = _token(again)
    client.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 347


def test_messy_preview_lists_errors_and_offers_error_workbook(login_as, db):
    client = login_as("clerk4")
    url = "/villages/370305100203/import"
    resp = _upload(client, SAMPLES / "roster_messy.xlsx", url=url)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "id.checksum" in html and "household.multiple_heads" in html
    # The preview says what "import only households without errors" would import.
    planned = int(re.search(r"将导入 (\d+) 行（共 93 行）", html).group(1))
    assert 0 < planned < 93
    # … and that its counts are those of that partial import, unlike the CLI's whole-file dry run.
    assert f"上表各数是“只导入没有错误的户”将写入的数量（93 行中的 {planned} 行）" in html
    token = _token(html)
    # Applying all-or-nothing refuses and writes nothing.
    resp = client.post(f"{url}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
    # The refused page is the preview as it stands: "only households without errors" still offers the
    # same rows (not the 0 of the refused all-or-nothing attempt).
    assert f"将导入 {planned} 行（共 93 行）" in resp.get_data(as_text=True)
    wb_resp = client.get(f"{url}/{token}/errors.xlsx")
    assert wb_resp.status_code == 200
    assert "filename*=UTF-8''" in wb_resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(wb_resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "错误说明" in r)
    col = header.index("错误说明")
    explained = [r[col] for r in rows if r and r[col] and r is not header]
    assert len(explained) >= 30
    # Partial import keeps only households without errors.
    resp = client.post(f"{url}/{token}/apply", data={"partial": "1"})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Membership)) == planned


@pytest.mark.parametrize("payload,name,code", [
    (b"", "empty.xlsx", "file.empty"),
    ("序号,姓名,证件号码\n1,张三,370305199001011234\n".encode(), "csv.xlsx", "file.not_excel"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "page.xls", "file.not_excel"),
    (b"\x00\x01garbage" * 50, "junk.xlsx", "file.not_excel"),
])
def test_bad_files_give_code_and_chinese_message(login_as, db, payload, name, code):
    client = login_as("clerk")
    resp = _upload(client, payload, name=name)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert code in html
    assert re.search(r"[\u4e00-\u9fff]{4,}", html)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_no_header_workbook(login_as, db):
    wb = openpyxl.Workbook()
    wb.active.append(["hello", "world"])
    wb.active.append([1, 2])
    buf = io.BytesIO()
    wb.save(buf)
    resp = _upload(login_as("clerk"), buf.getvalue())
    assert resp.status_code == 422 and "file.no_header" in resp.get_data(as_text=True)


def test_missing_file_field_rerenders_form(login_as):
    resp = login_as("clerk").post(URL, data={}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "请选择文件" in resp.get_data(as_text=True)


def test_token_of_other_user_is_refused(login_as, db):
    client = login_as("clerk")
    token = _token(_upload(client, SAMPLES / "roster_370305100201.xlsx").get_data(as_text=True))
    other = login_as("clerk2")
    resp = other.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 404  # another village's clerk: outside the scope
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_template_download(login_as):
    resp = login_as("clerk").get("/imports/templates/roster.xlsx")
    assert resp.status_code == 200
    assert "filename*=UTF-8''%E6%88%90%E5%91%98" in resp.headers["Content-Disposition"]
    assert resp.data[:2] == b"PK"


@pytest.mark.parametrize("bad_number", [None, "#?"])
def test_partial_import_leaves_out_only_the_row_without_a_household_number(login_as, db, bad_number):
    """Issue 10 item 8 (M-25): a row with a blank or invalid 户编号 is left out alone; it used to put
    "no household" into the left-out set, which matched every new person, so nothing was imported."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "成员姓名", "证件号码", "与户主关系"])
    ws.append(["0001", "张三", make_id(seq="101"), "户主"])
    ws.append(["0001", "张小三", make_id(birth="20100101", seq="103"), "子"])
    ws.append(["0002", "李四", make_id(seq="105"), "户主"])
    ws.append([bad_number, "王五", make_id(seq="107"), "户主"])
    ws.append(["0003", "赵六", make_id(seq="109"), "户主"])
    buf = io.BytesIO()
    wb.save(buf)
    client = login_as("clerk")
    html = _upload(client, buf.getvalue()).get_data(as_text=True)
    assert "将导入 4 行（共 5 行）" in html, re.findall(r"将导入[^<]*", html)
    resp = client.post(f"{URL}/{_token(html)}/apply", data={"partial": "1"})
    assert resp.status_code == 302
    names = set(db.session.scalars(select(Person.name)))
    assert names == {"张三", "张小三", "李四", "赵六"}


def test_error_workbook_of_a_file_named_with_cr_lf_downloads(login_as, db):
    """Issue 10 item 10: an uploaded file name holding CR/LF made the error-workbook download a 500
    (a newline in the Content-Disposition header). Control characters are stripped from every
    download name (registry/views/downloads.py)."""
    client = login_as("clerk4")
    url = "/villages/370305100203/import"
    # A client can send any name: RFC 2231 ``filename*`` percent-encodes CR, LF, NUL and U+202E.
    name = quote("名册\r\nSet-Cookie: x=1\t\x00\u202e.xlsx", safe="")
    boundary = "hostile-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'{name}\r\n'
            "Content-Type: application/octet-stream\r\n\r\n")
    body = head.encode() + (SAMPLES / "roster_messy.xlsx").read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    resp = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    html = resp.get_data(as_text=True)
    resp = client.get(f"{url}/{_token(html)}/errors.xlsx")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert not any(ord(c) < 32 or c == "\u202e" for c in disposition), disposition
    assert "Set-Cookie" not in resp.headers
    assert "filename*=UTF-8''" in disposition and "_%E9%94%99%E8%AF%AF%E8%AF%B4%E6%98%8E.xlsx" in disposition


def test_stored_uploads_are_readable_by_their_owner_only(app, login_as, db):
    """Issue 10 item 11: uploads kept between preview and apply were written 0644."""
    previous = os.umask(0o022)
    try:
        assert _upload(login_as("clerk"), SAMPLES / "roster_370305100201.xlsx").status_code == 200
    finally:
        os.umask(previous)
    stored = list(Path(app.config["UPLOAD_FOLDER"]).iterdir())
    assert {p.suffix for p in stored} == {".bin", ".json"}
    assert {stat.S_IMODE(p.stat().st_mode) for p in stored} == {0o600}
    assert stat.S_IMODE(Path(app.config["UPLOAD_FOLDER"]).stat().st_mode) == 0o700



@pytest.mark.parametrize("register", ["homesteads", "shares"])
def test_register_import_page_links_its_template(login_as, register):
    """Issue 13 item 5: the homestead and share import pages offer their templates, which download."""
    client = login_as("clerk")
    page = client.get(f"/villages/370305100201/{register}/import").get_data(as_text=True)
    assert f"/imports/templates/{register}.xlsx" in page
    resp = client.get(f"/imports/templates/{register}.xlsx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
