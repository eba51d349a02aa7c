"""QA: a date in the address (``?as_of=``, ``?on=``, ``?start=``/``?end=``, the roster's ``?date=``) is read
as clerks type it (2025.3.1, 2025年3月1日) and a date that is not one is a 400 in Chinese — never the current
register (or today, or the whole period) shown as if it were the date asked for."""
from __future__ import annotations

import pytest

from tests.services.homesteads.helpers import VILLAGE, village_with_homesteads

BAD = ("abc", "2025-13-01", "2025.2.30")


def _refused(client, path: str) -> None:
    resp = client.get(path)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400, path
    assert "请按 YYYY-MM-DD 格式填写日期" in html and "could not understand" not in html, path


def test_homestead_register_and_household_section_read_dotted_dates_and_refuse_bad_ones(db, login_as):
    village_with_homesteads(db)
    client = login_as("clerk")
    page = client.get(f"/villages/{VILLAGE}/homesteads?as_of=2025.3.1")
    assert page.status_code == 200 and "2025-03-01" in page.get_data(as_text=True)
    household = client.get(f"/villages/{VILLAGE}/households/0001?as_of=2025年3月1日")
    assert household.status_code == 200 and "2025-03-01" in household.get_data(as_text=True)
    for bad in BAD:
        _refused(client, f"/villages/{VILLAGE}/homesteads?as_of={bad}")
        _refused(client, f"/villages/{VILLAGE}/households/0001?as_of={bad}")
    assert client.get(f"/villages/{VILLAGE}/homesteads?as_of=").status_code == 200  # blank: the current one


@pytest.mark.usefixtures("clock")
def test_assembly_base_w07_and_roster_as_of_refuse_a_bad_date(db, login_as):
    village_with_homesteads(db)
    client = login_as("clerk")
    base = client.get(f"/villages/{VILLAGE}/assembly/base?on=2026.6.5")
    assert base.status_code == 200 and "2026-06-05" in base.get_data(as_text=True)
    w07 = client.get(f"/reports/{VILLAGE}/w07?start=2026.1.1")
    assert w07.status_code == 200 and 'value="2026-01-01"' in w07.get_data(as_text=True)
    roster = client.get(f"/villages/{VILLAGE}/roster/as-of?date=2026.6.1")
    assert roster.status_code == 200 and "2026-06-01" in roster.get_data(as_text=True)
    for bad in BAD:
        _refused(client, f"/villages/{VILLAGE}/assembly/base?on={bad}")
        _refused(client, f"/reports/{VILLAGE}/w07?start={bad}")
        _refused(client, f"/reports/{VILLAGE}/w07.xlsx?end={bad}")
        _refused(client, f"/villages/{VILLAGE}/roster/as-of?date={bad}")
        _refused(client, f"/villages/{VILLAGE}/roster/as-of.xlsx?date={bad}")
