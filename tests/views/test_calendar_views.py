"""The administrator's holiday calendar page and provisional notices over HTTP (issue 13 item 6; F-04, F-05)."""
from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from registry.models import AuditEvent, Holiday, PublicNotice
from registry.services.calendar import covered_years
from tests.conftest import SAMPLES

VILLAGE = "370305100201"
FILING = f"/villages/{VILLAGE}/filing"
CSV_2027 = "date,is_workday,name\n2027-01-01,0,元旦\n2027-01-04,0,测试假日\n2027-02-07,1,春节调休上班\n"


def _import_roster(client):
    data = (SAMPLES / f"roster_{VILLAGE}.xlsx").read_bytes()
    resp = client.post(f"/villages/{VILLAGE}/import", data={"file": (io.BytesIO(data), "roster.xlsx")},
                       content_type="multipart/form-data")
    token = resp.get_data(as_text=True).split("/import/")[1].split("/")[0]
    assert client.post(f"/villages/{VILLAGE}/import/{token}/apply", data={"partial": "0"}).status_code == 302


def _upload(client, text: str):
    return client.post("/admin/calendar", data={"file": (io.BytesIO(text.encode()), "2027.csv")},
                       content_type="multipart/form-data")


def test_F05_notice_reaching_an_unloaded_year_is_provisional_then_extended_when_loaded(login_as, db, clock):
    clock.set(dt.date(2026, 12, 20))
    clerk = login_as("clerk")
    _import_roster(clerk)
    # Posted Sunday 20 Dec with the clerk's own end date in 2027: accepted, marked provisional.
    resp = clerk.post(f"{FILING}/notice", data={"posted_on": "2026-12-20", "ends_on": "2027-01-05"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    page = clerk.get(FILING).get_data(as_text=True)
    assert "暂定" in page and "2027 年的国务院节假日安排尚未导入" in page
    notice = db.session.scalar(select(PublicNotice))
    assert (notice.ends_on, notice.provisional_years) == (dt.date(2027, 1, 5), "2027")

    admin = login_as("admin")
    assert "节假日日历" in admin.get("/admin/calendar").get_data(as_text=True)
    preview = _upload(admin, CSV_2027)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "新增 3 天" in html
    assert 2027 not in covered_years(db.session)  # the preview wrote nothing
    token = html.split("/admin/calendar/")[1].split("/apply")[0]
    resp = admin.post(f"/admin/calendar/{token}/apply")
    assert resp.status_code == 302
    assert db.session.scalar(select(Holiday).where(Holiday.day == dt.date(2027, 2, 7))).is_workday
    db.session.expire_all()
    notice = db.session.scalar(select(PublicNotice))
    # 21–25, 28–31 Dec are 9 working days already: the 5 Jan end stays, no longer provisional.
    assert (notice.ends_on, notice.provisional_years, notice.extended_from) == (dt.date(2027, 1, 5), None, None)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.loaded")) is not None


def test_F05_provisional_notice_extended_on_load_and_the_clerk_sees_it(login_as, db, clock):
    clock.set(dt.date(2026, 12, 28))
    clerk = login_as("clerk")
    _import_roster(clerk)
    assert clerk.post(f"{FILING}/notice", data={"posted_on": "2026-12-28"}).status_code == 302
    notice = db.session.scalar(select(PublicNotice))
    assert (notice.ends_on, notice.provisional_years) == (dt.date(2027, 1, 7), "2027")
    admin = login_as("admin")
    html = _upload(admin, CSV_2027).get_data(as_text=True)
    assert "将有 1 份按暂定日历计算的公示被延长" in html
    token = html.split("/admin/calendar/")[1].split("/apply")[0]
    admin.post(f"/admin/calendar/{token}/apply")
    page = login_as("clerk").get(FILING).get_data(as_text=True)
    assert "已延长" in page and "2027-01-07 延至 2027-01-08" in page


def test_calendar_upload_refuses_a_bad_file_whole(login_as, db):
    admin = login_as("admin")
    resp = _upload(admin, "date,is_workday,name\n2027-13-01,0,x\n2027-01-01,0,元旦\n")
    assert resp.status_code == 422 and "第 2 行" in resp.get_data(as_text=True)
    assert 2027 not in covered_years(db.session)
    resp = admin.post("/admin/calendar", data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\xff\xff"), "x.csv")},
                      content_type="multipart/form-data")
    assert resp.status_code == 422 and "UTF-8 或 GBK" in resp.get_data(as_text=True)


def test_calendar_saved_as_gbk_csv_by_chinese_excel_is_read(login_as, db):
    """Excel/WPS on Chinese Windows save "CSV" in GBK: the names come through as written (QA finding)."""
    admin = login_as("admin")
    resp = admin.post("/admin/calendar", data={"file": (io.BytesIO(CSV_2027.encode("gbk")), "2027.csv")},
                      content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "春节调休上班" in html
    token = html.split("/admin/calendar/")[1].split("/apply")[0]
    assert admin.post(f"/admin/calendar/{token}/apply").status_code == 302
    assert 2027 in covered_years(db.session)


def test_load_holidays_cli_reads_gbk(runner, db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(CSV_2027.encode("gbk"))
    result = runner.invoke(args=["load-holidays", str(path)])
    assert result.exit_code == 0, result.output
    assert 2027 in covered_years(db.session)


def test_calendar_page_is_the_administrators(login_as):
    for user in ("clerk", "town", "district"):
        assert login_as(user).get("/admin/calendar").status_code == 403
