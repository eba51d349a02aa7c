"""Homestead summary (registry/reports/homesteads.py): by status, over the D-02 cap, D-12 households
without a homestead, per village and rolled up per town by SQL."""
from __future__ import annotations

from registry.reports.homesteads import TOWN_KEY, homestead_summary
from tests.services.homesteads.helpers import VILLAGE, village_with_homesteads


def test_summary_by_status_village_and_town(db, demo):
    village_with_homesteads(db)
    rows, total = homestead_summary(db.session, VILLAGE)
    assert [r.code for r in rows] == [VILLAGE]
    r = rows[0]
    assert r.by_status == {"in_use": 94, "transferred": 6, "withdrawn_paid": 1, "lost_disaster": 1}
    assert r.over_cap == 5 and r.qualified_without_homestead == 0 and r.name == "东柳庄村"
    towns, district = homestead_summary(db.session, "370305", by=TOWN_KEY)
    assert [t.code for t in towns] == ["370305100"] and towns[0].total == 102 == district.total
