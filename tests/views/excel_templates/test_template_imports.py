"""Issue 13 item 5 through HTTP: each register's template, downloaded from its import page, imports back
with exactly its example rows' outcome (one new member; one contractor with its parcel, co-holder and
circulation) and no error."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from registry.excel.roster.template import EXAMPLE
from registry.models import Circulation, CoHolder, LandContract, Membership, Parcel, Person

V1 = "370305100201"


def _download(client, url: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    return resp.data


def _upload(client, url: str, data: bytes, name: str):
    resp = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1000]
    html = resp.get_data(as_text=True)
    token = re.search(r"/import/([0-9a-f]{32})/", html)
    assert token, html[:2000]
    return html, token.group(1)


def _counts(html: str) -> tuple[str, ...]:
    """The preview's 读取行数, 新增, 错误行数 and 提示 counts."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return tuple(re.search(label + r" (\d+)", text).group(1) for label in ("读取行数", "新增", "错误行数", "提示"))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import_roster_template(client, db) -> None:
    page = client.get(f"/villages/{V1}/import").get_data(as_text=True)
    assert "/imports/templates/roster.xlsx" in page and "下载成员名册导入模板（含示例行）" in page
    html, token = _upload(client, f"/villages/{V1}/import", _download(client, "/imports/templates/roster.xlsx"),
                          "成员名册导入模板.xlsx")
    assert _counts(html) == ("1", "1", "0", "0")
    resp = client.post(f"/villages/{V1}/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert _count(db, Membership) == 1
    person = db.session.scalar(select(Person))
    assert (person.name, person.id_number) == (EXAMPLE["name"], EXAMPLE["id_number"])


def test_village_roster_template_imports_back_as_its_example_row(login_as, db):
    client = login_as("clerk")
    _import_roster_template(client, db)
    page = client.get(f"/villages/{V1}/roster").get_data(as_text=True)
    assert EXAMPLE["name"] in page


def test_area_roster_template_imports_back_as_its_example_row(login_as, db):
    client = login_as("district")
    page = client.get("/areas/370305000000/import").get_data(as_text=True)
    assert "/imports/templates/roster_area.xlsx" in page
    data = _download(client, "/imports/templates/roster_area.xlsx")
    html, token = _upload(client, "/areas/370305000000/import", data, "全区成员名册导入模板.xlsx")
    assert _counts(html) == ("1", "1", "0", "0")
    resp = client.post(f"/areas/370305000000/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert _count(db, Membership) == 1


def test_land_template_imports_back_as_its_example_rows(login_as, db):
    client = login_as("clerk")
    _import_roster_template(client, db)
    page = client.get(f"/villages/{V1}/land/import").get_data(as_text=True)
    assert "/imports/templates/land.xlsx" in page
    html, token = _upload(client, f"/villages/{V1}/land/import", _download(client, "/imports/templates/land.xlsx"),
                          "承包地台账导入模板.xlsx")
    assert _counts(html)[2:] == ("0", "0")  # no error, no warning
    resp = client.post(f"/villages/{V1}/land/import/{token}/apply", data={"partial": "0"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert [_count(db, m) for m in (LandContract, Parcel, CoHolder, Circulation)] == [1, 1, 1, 1]
