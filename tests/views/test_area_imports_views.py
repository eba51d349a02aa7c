"""Town / district roster import screens through HTTP (issue 5): upload → preview → apply, error workbook,
scope and roles, bad files never 500, and a preview writes nothing."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Membership, Person
from registry.services.areas import organization_for_village
from tests.conftest import SAMPLES
from tests.services.roster.test_area_import import _rows, _workbook

V1, V2, V_OUT = "370305100201", "370305100202", "370305102201"  # 齐都镇 ×2, 皇城镇
TOWN, TOWN_OUT, DISTRICT = "370305100000", "370305102000", "370305000000"
URL = f"/areas/{TOWN}/import"
BAD_ID = "370305197504134315"  # wrong check character


def _upload(client, data: bytes, name: str = "town.xlsx", url: str = URL):
    return client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _token(html: str) -> str:
    match = re.search(r"/import/([0-9a-f]{32})/", html)
    assert match, html[:2000]
    return match.group(1)


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _members(db, code: str) -> int:
    return _count(db, Membership, Membership.organization_id == organization_for_village(db.session, code).id)


def _written(db) -> int:
    return _count(db, Person) + _count(db, AuditEvent, AuditEvent.action == "roster.import")


def test_town_officer_previews_and_applies_a_two_village_file(login_as, db):
    client = login_as("town")
    resp = _upload(client, _workbook(_rows(V1, limit=30), _rows(V2, limit=20)))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    assert "导入预览" in html and "齐都镇" in html
    assert re.search(r"<th>村数</th><td>2</td>", html)
    assert re.search(r"<th>读取行数</th><td>50</td>", html)
    assert _written(db) == 0  # the preview writes nothing
    token = _token(html)
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/towns/{TOWN}")
    assert (_members(db, V1), _members(db, V2)) == (30, 20)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "导入完成（2 个村）：新增 50 人" in page
    # The token is spent: applying it again says so and writes nothing more.
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"}, follow_redirects=True)
    assert "该文件已导入或已过期" in resp.get_data(as_text=True)
    assert (_members(db, V1), _members(db, V2)) == (30, 20)


def test_row_of_another_town_is_village_outside_and_nothing_is_written(login_as, db):
    client = login_as("town")
    html = _upload(client, _workbook(_rows(V1, limit=10), _rows(V_OUT, limit=3))).get_data(as_text=True)
    assert "village.outside" in html and V_OUT in html
    token = _token(html)
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 422
    assert "未导入任何数据" in resp.get_data(as_text=True)
    assert _written(db) == 0


def test_partial_import_leaves_out_the_bad_household(login_as, db):
    rows_v1 = _rows(V1, limit=30)
    rows_v1[0]["证件号码"] = BAD_ID  # household 0001 of V1
    in_0001 = sum(1 for r in rows_v1 if r["户编号"] == "0001")
    client = login_as("town")
    html = _upload(client, _workbook(rows_v1, _rows(V2, limit=20))).get_data(as_text=True)
    assert "id.checksum" in html and f"{V1}/0001" in html
    token = _token(html)
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "1"})
    assert resp.status_code == 302
    assert (_members(db, V1), _members(db, V2)) == (30 - in_0001, 20)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"{V1}/0001" in page and "未导入的户共 1 户" in page


def test_error_workbook_explains_the_rows(login_as, db):
    rows_v1 = _rows(V1, limit=10)
    rows_v1[0]["证件号码"] = BAD_ID
    client = login_as("town")
    html = _upload(client, _workbook(rows_v1, _rows(V_OUT, limit=2)), name="齐都镇.xlsx").get_data(as_text=True)
    token = _token(html)
    resp = client.get(f"{URL}/{token}/errors.xlsx")
    assert resp.status_code == 200
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "错误说明" in r)
    col, code_col = header.index("错误说明"), header.index("村代码")
    explained = [(r[code_col], r[col]) for r in rows if r is not header and r[col]]
    assert any(code == V1 and "校验位" in text for code, text in explained)
    assert [code for code, text in explained if "不在齐都镇" in text] == [V_OUT, V_OUT]
    assert _written(db) == 0
    # A token that was never issued, or another officer's, is a 404.
    assert client.get(f"{URL}/{'0' * 32}/errors.xlsx").status_code == 404


@pytest.mark.parametrize("payload,name,code", [
    (b"\x00\x01garbage" * 50, "junk.xlsx", "file.not_excel"),
    ("村代码,户编号,成员姓名\n370305100201,0001,张三\n".encode(), "csv.xlsx", "file.not_excel"),
    (b"", "empty.xlsx", "file.empty"),
])
def test_a_file_that_is_not_a_spreadsheet_is_a_chinese_file_error(login_as, db, payload, name, code):
    resp = _upload(login_as("town"), payload, name=name)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert code in html and "文件" in html
    assert "/apply" not in html  # nothing to apply
    assert _written(db) == 0


def test_a_village_roster_without_village_codes_is_refused(login_as, db):
    resp = _upload(login_as("town"), (SAMPLES / f"roster_{V1}.xlsx").read_bytes())
    assert resp.status_code == 422
    assert "file.missing_column" in resp.get_data(as_text=True) and "村代码" in resp.get_data(as_text=True)
    assert _written(db) == 0


def test_scope_and_roles(login_as):
    client = login_as("town2")
    assert client.get(URL).status_code == 404  # another town's import page
    assert client.get(f"/areas/{DISTRICT}/import").status_code == 404
    assert client.get(f"/areas/{TOWN_OUT}/import").status_code == 200  # their own
    client = login_as("town")
    assert client.get(f"/areas/{DISTRICT}/import").status_code == 404
    assert client.get(f"/areas/{V1}/import").status_code == 404  # a village is not an area import
    assert login_as("clerk").get(URL).status_code == 403
    assert login_as("admin").get(URL).status_code == 403  # the administrator only reads
    client = login_as("district")
    for code in (TOWN, TOWN_OUT, DISTRICT):
        assert client.get(f"/areas/{code}/import").status_code == 200


def test_district_imports_villages_of_two_towns(login_as, db):
    client = login_as("district")
    url = f"/areas/{DISTRICT}/import"
    html = _upload(client, _workbook(_rows(V1, limit=10), _rows(V_OUT, limit=5)), url=url).get_data(as_text=True)
    assert "village.outside" not in html
    resp = client.post(f"{url}/{_token(html)}/apply", data={"partial": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/district")
    assert (_members(db, V1), _members(db, V_OUT)) == (10, 5)


def test_a_token_belongs_to_its_area(login_as, db):
    client = login_as("district")
    token = _token(_upload(client, _workbook(_rows(V1, limit=5)), url=f"/areas/{DISTRICT}/import")
                   .get_data(as_text=True))
    resp = client.post(f"{URL}/{token}/apply", data={"partial": "0"}, follow_redirects=True)
    assert "该文件已导入或已过期" in resp.get_data(as_text=True)  # uploaded for the district, not the town
    assert _written(db) == 0


def test_links_where_officers_look(login_as):
    page = login_as("town").get(f"/towns/{TOWN}").get_data(as_text=True)
    assert f'href="/areas/{TOWN}/import"' in page and "导入全镇成员名册" in page
    page = login_as("district").get("/district").get_data(as_text=True)
    assert f'href="/areas/{DISTRICT}/import"' in page and "导入全区成员名册" in page
    page = login_as("admin").get("/district").get_data(as_text=True)
    assert "/import" not in page.replace("/imports/templates", "")


def test_the_area_page_offers_the_template_with_the_village_code_column(login_as, db):
    client = login_as("town")
    html = client.get("/areas/370305100000/import").get_data(as_text=True)
    assert "/imports/templates/roster_area.xlsx" in html
    resp = client.get("/imports/templates/roster_area.xlsx")
    assert resp.status_code == 200
    headings = [c.value for row in openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(max_row=3)
                for c in row]
    assert "村代码" in headings and "证件号码" in headings
