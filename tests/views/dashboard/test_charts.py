"""Issue 12 "Done when": the dashboard's charts render — non-empty server-side SVG with the right number
of bars, each bar a link with its number printed beside it, patterns for black-and-white print, and no
inline style or script (CSP ``default-src 'self'``)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from registry.views.dashboard_charts import Bar, bar_chart, pyramid
from tests.views.dashboard.seed import TODAY, seed
from tests.views.dashboard.test_dashboard_views import DISTRICT_DASH

SVG = re.compile(r'<svg class="chart[^"]*" id="[^"]+" role="img" aria-label="([^"]+)".*?</svg>', re.S)


def charts(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in SVG.finditer(html)}


def bars(svg: str) -> int:
    return svg.count('<rect class="bar"')


def test_bar_chart_draws_one_linked_bar_per_value_with_its_number():
    svg = str(bar_chart([Bar("甲", 3, "3", "/a?x=1"), Bar("乙", Decimal("1.5000"), "1.5000", "/b", "sum", 1),
                         Bar("丙", 0, "0", "/c")], "测试"))
    assert bars(svg) == 3
    assert svg.count('<a href="/') == 3 and 'href="/a?x=1"' in svg
    assert '>1.5000</text>' in svg and '>0</text>' in svg
    assert "pattern" in svg and "style=" not in svg and "<script" not in svg


def test_pyramid_draws_two_bars_per_band():
    bands = ["0-9", "10-19", "80+"]
    left = [Bar(b, i, str(i), f"/m/{b}") for i, b in enumerate(bands)]
    right = [Bar(b, 2 * i, str(2 * i), f"/w/{b}", series=1) for i, b in enumerate(bands)]
    svg = str(pyramid(bands, left, right, "金字塔", "男", "女"))
    assert bars(svg) == 6
    assert all(f">{b}</text>" in svg for b in bands)


@pytest.fixture
def page(db, demo, add_member, clock, login_as):
    clock.set(TODAY)
    seed(db, add_member)
    return login_as("district").get(DISTRICT_DASH).get_data(as_text=True)


def test_dashboard_charts_have_the_right_number_of_bars(page):
    found = charts(page)
    expected = {
        "各备案进度的村数": 5,  # every progress step, zero ones too
        "各地区成员数": 2,  # 齐都镇, 皇城镇
        "成员性别年龄结构": 18,  # 9 age bands × men, women
        "成员取得方式": 3,  # reform, marriage, birth among the active members
        "户籍迁出本村仍保留成员身份的人数（按迁往地）": 5,  # town, school, army, another village, elsewhere
        "各年成员身份终止人数": 2,  # 2025, 2026
        "承包地面积（按承包方式，亩）": 2,  # 110, 123
        "流转面积（按受让方类型，亩）": 4,  # farmer, family farm, cooperative, enterprise
        "宅基地（按状态）": 4,  # every status
        "已登记交易金额（按类型，元）": 3,  # share transfer, share buy-back, homestead withdrawal
    }
    assert {label: bars(svg) for label, svg in found.items()} == expected
    for svg in found.values():
        assert re.search(r'<rect class="bar"[^>]* width="(?!0\.0")', svg), "a chart without a visible bar"
        assert "style=" not in svg
