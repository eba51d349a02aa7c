"""Issue 12 items 1–2: the officers' dashboard over a seeded district. Every figure the page renders (each
``<a class="fig">``, in tables and in the SVG charts) equals the length — or, for 亩 / units / yuan, the
sum — of its drill-down list, fetched page by page; scoping (a town officer sees the town only, other
areas are 404, a clerk 403); an empty register says 尚未登记; drill-down lists mask ID numbers."""
from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest

from registry.reports.dashboard import FIGURES
from tests.views.dashboard.seed import TODAY, V_OUT, seed

DISTRICT_DASH = "/areas/370305000000/dashboard"
TOWN_DASH = "/areas/370305100000/dashboard"
FIG = re.compile(r'<a (?:href="([^"]+)" class="fig"|class="fig" href="([^"]+)") data-kind="(\w+)" '
                 r'data-value="([^"]+)"')


@pytest.fixture
def seeded(db, demo, add_member, clock):
    clock.set(TODAY)
    return seed(db, add_member)


def figures(html: str) -> list[tuple[str, str, str]]:
    """(href, kind, value) of every figure link on the page, tables and charts alike."""
    return [(unescape(a or b), kind, value) for a, b, kind, value in FIG.findall(html)]


def drill_all(client, href: str) -> dict:
    """Every page of a drill-down list: the rows' count, the sum of their values, the page's own count /
    total / oldest age."""
    html = client.get(href).get_data(as_text=True)
    out = {"count": int(re.search(r'id="drill-count">(\d+)<', html).group(1)),
           "total": re.search(r'id="drill-total">([^<]+)<', html),
           "oldest": re.search(r'id="drill-oldest">(\d+)<', html), "rows": 0, "sum": Decimal(0)}
    page = 1
    while True:
        out["rows"] += html.count('<tr class="drill-row"')
        out["sum"] += sum((Decimal(v) for v in re.findall(r'<tr class="drill-row" data-value="([^"]+)"', html)),
                          Decimal(0))
        nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
        if not nxt:
            return out
        page += 1
        html = client.get(unescape(nxt.group(1))).get_data(as_text=True)


@pytest.mark.parametrize(("user", "url"), [("district", DISTRICT_DASH), ("town", TOWN_DASH)])
def test_every_dashboard_figure_equals_its_drill_down_list(seeded, login_as, user, url):
    """Issue 12 "Done when": figures equal their drill-down lists — every figure on the page, for the
    district (per town) and for a town (per village)."""
    client = login_as(user)
    html = client.get(url).get_data(as_text=True)
    found = figures(html)
    names = {re.search(r"/dashboard/(\w+)", href).group(1) for href, _k, _v in found}
    assert names == set(FIGURES), f"figures without a link on the dashboard: {set(FIGURES) - names}"
    assert len(found) > 60
    checked = {}
    for href, kind, value in found:
        key = (href, kind)
        if key in checked:
            assert checked[key] == value, href  # the same figure printed twice (table and chart) agrees
            continue
        checked[key] = value
        listed = drill_all(client, href)
        assert listed["rows"] == listed["count"], href
        if kind == "count":
            assert int(value) == listed["count"], f"{href}: figure {value}, list {listed['count']}"
        elif kind == "sum":
            assert Decimal(value) == listed["sum"] == Decimal(listed["total"].group(1)), \
                f"{href}: figure {value}, list {listed['sum']}"
        else:  # the age of the oldest pending filing, in days
            assert int(value) == int(listed["oldest"].group(1)), href
    assert len(checked) > 50


def test_seeded_figures_have_the_expected_values(seeded, login_as):
    """Spot values of the seeded district: members are active ones; the hukou figures count kept members by
    where the hukou went (H-01, H-02); ended and future records are left out."""
    client = login_as("district")
    values = {(h.split("?")[0].rsplit("/", 1)[1], h.partition("?")[2], k): v
              for h, k, v in figures(client.get(DISTRICT_DASH).get_data(as_text=True))}
    assert values[("members", "", "count")] == "11"
    assert values[("households", "", "count")] == "4"
    assert values[("endings", "", "count")] == "3"
    assert values[("hukou_out", "", "count")] == "5"
    for dest, n in (("town", "1"), ("school", "1"), ("army", "1"), ("village", "1"), ("other", "1")):
        assert values[("hukou_out", f"dest={dest}", "count")] == n, dest
    assert values[("parcels", "", "sum")] == "7.0800"  # 2.5 + 1.25 + 3.33; the ended parcel left out
    assert values[("circulations", "", "sum")] == "5.5000"  # in force today only
    assert values[("circulations", "receiver=cooperative", "sum")] == "1.5000"
    assert values[("circulations", "receiver=enterprise", "sum")] == "0.7500"
    assert values[("circulations", "receiver=family_farm", "sum")] == "0.2500"
    assert values[("circulations", "receiver=farmer", "sum")] == "3.0000"
    assert values[("holdings", "", "sum")] == "11.5000"
    assert values[("rounds", "", "sum")] == "24346.17"  # the latest non-cancelled round of each village
    assert values[("transfers", "", "sum")] == "61000.00"  # recorded only
    assert values[("transfers", "", "count")] == "4"
    assert values[("pending", "", "age")] == "26"  # V2's filing recorded by the town, submitted 2026-05-20


def test_town_officer_sees_only_the_town(seeded, login_as):
    client = login_as("town")
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and resp.location.endswith(TOWN_DASH)
    html = client.get(TOWN_DASH).get_data(as_text=True)
    hrefs = [h for h, _k, _v in figures(html)]
    assert hrefs and not any(V_OUT in h for h in hrefs)
    assert "后杨家村" not in html
    values = {(h.split("?")[0].rsplit("/", 1)[1], h.partition("?")[2], k): v for h, k, v in figures(html)}
    assert values[("members", "", "count")] == "9"
    assert values[("transfers", "", "sum")] == "59800.00"
    # another town's dashboard and lists are outside the area: 404; a foreign unit filter finds nothing
    assert client.get("/areas/370305102000/dashboard").status_code == 404
    assert client.get("/areas/370305102000/dashboard/members").status_code == 404
    listed = client.get(f"{TOWN_DASH}/members?unit={V_OUT}").get_data(as_text=True)
    assert 'id="drill-count">0<' in listed


@pytest.mark.parametrize("url", ["/dashboard", TOWN_DASH, f"{TOWN_DASH}/members"])
def test_clerk_is_refused(seeded, login_as, url):
    assert login_as("clerk").get(url).status_code == 403


def test_unknown_figure_is_404_and_bad_filters_find_nothing(seeded, login_as):
    client = login_as("district")
    assert client.get(f"{DISTRICT_DASH}/nothing").status_code == 404
    for query in ("year=abcd", "year=20255", "sex=%27%20OR%201%3D1", "page=-3", "page=999"):
        assert client.get(f"{DISTRICT_DASH}/endings?{query}").status_code == 200, query
    assert 'id="drill-count">0<' in client.get(f"{DISTRICT_DASH}/endings?year=abcd").get_data(as_text=True)


def test_empty_registers_say_not_recorded_yet(demo, login_as):
    """Issue 12: a register with no data shows 尚未登记, never invented zeros."""
    html = login_as("district").get(DISTRICT_DASH).get_data(as_text=True)
    assert html.count("尚未登记") == 9  # members ×5 sections, land, homesteads, shares, transactions
    assert "filing-table" in html  # the areas themselves are always there


def test_drill_down_masks_id_numbers(seeded, login_as):
    client = login_as("district")
    html = client.get(f"{DISTRICT_DASH}/members").get_data(as_text=True)
    number = seeded["head1"].person.id_number
    assert number not in html
    assert number[:6] + "********" + number[-4:] in html
    assert "1950-03-01" not in html  # the birth date is shown as its year only
