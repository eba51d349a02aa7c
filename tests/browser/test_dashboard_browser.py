"""Issue 12 "Done when": a screenshot of the dashboard taken in headless Chromium, saved as a test artifact
(``BROWSER_ARTIFACTS``, default ``test-artifacts/browser/<test name>/``), over the seeded district of the
dashboard tests. The browser renders the SVG charts (visible boxes), reports no CSP violation, and a
click on a bar opens its drill-down list with as many rows as the bar's number."""
from __future__ import annotations

import shutil

import pytest

from registry.extensions import db as _db
from tests.browser.conftest import ARTIFACTS, Desk, demo_app, serving
from tests.views.dashboard.seed import TODAY, seed


@pytest.fixture
def seeded_server(tmp_path, add_member, clock):
    clock.set(TODAY)
    # add_member writes through db.session, which is the served app's while its context is pushed
    with serving(demo_app(tmp_path, seed=lambda: seed(_db, add_member))) as url:
        yield url


def test_dashboard_screenshot_in_chromium(browser, seeded_server, request):
    shots = ARTIFACTS / request.node.name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True, exist_ok=True)
    district = Desk(browser, seeded_server, "district", shots)
    try:
        page = district.page
        problems: list[str] = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        district.login("district")
        page.get_by_role("link", name="统计看板").click()
        page.wait_for_load_state()
        assert "/areas/370305000000/dashboard" in page.url
        charts = page.locator("svg.chart")
        assert charts.count() == 10
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20
        path = district.shot("dashboard")
        assert path.stat().st_size > 10_000
        page.emulate_media(media="print")
        district.shot("dashboard-print")
        page.emulate_media(media="screen")
        assert not [p for p in problems if "Content Security Policy" in p], problems
        # a bar of the pyramid opens the members behind it
        bar = page.locator('svg.pyramid a.fig[data-value]:not([data-value="0"])').first
        value = int(bar.get_attribute("data-value"))
        bar.click()
        page.wait_for_load_state()
        assert "/dashboard/members?" in page.url
        assert page.locator("tr.drill-row").count() == value
        district.shot("drill-down")
    finally:
        district.close()
