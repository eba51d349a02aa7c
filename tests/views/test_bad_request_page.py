"""QA: a 400 page says what is wrong in Chinese. The land pages' ``?as_of=`` with a date that is not one
answered with werkzeug's English "The browser (or proxy) sent a request that this server could not
understand."; ``2025.3.1`` (typed in the address bar as dates are written) was refused outright."""
from __future__ import annotations

import pytest

from tests.views.test_land_views import V1, _contract, land  # noqa: F401  (the fixture)


@pytest.mark.usefixtures("land")
def test_land_history_reads_dotted_dates_and_explains_a_bad_one_in_chinese(login_as, db):
    number = _contract(db).household.number
    client = login_as("town")
    dotted = client.get(f"/villages/{V1}/households/{number}/land?as_of=2000.1.1")
    assert dotted.status_code == 200 and "2000-01-01" in dotted.get_data(as_text=True)
    for path in (f"/villages/{V1}/households/{number}/land?as_of=bad", f"/villages/{V1}/rights?as_of=2025-13-01"):
        resp = client.get(path)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, path
        assert "could not understand" not in html and "YYYY-MM-DD" in html, path


def test_any_bare_400_page_is_chinese(app, login_as):
    from flask import abort

    @app.get("/qa-bare-400")
    def bare():
        abort(400)

    html = login_as("clerk").get("/qa-bare-400").get_data(as_text=True)
    assert "could not understand" not in html and "请求无效" in html
