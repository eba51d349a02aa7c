"""The statistical reports against the registers they count (issue 12 item 3): member statistics agree
with the district summary (registry.reports.summary), the hukou-decoupled members with its hukou count
(H-01: they stay members), filing progress with the filing states (F-02), the land circulation rows add
up (method and receiver splits of the circulated total) and receivers are typed from name and code."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from registry.models import Area, Circulation, Household, Resolution
from registry.models.shares import DividendRound
from registry.models.transfers import Transfer
from registry.reports.statistics import Figure, Period
from registry.reports.statistics.filing import filing_progress
from registry.reports.statistics.hukou import hukou_report
from registry.reports.statistics.land import land_circulation, receiver_type
from registry.reports.statistics.members import member_statistics
from registry.reports.statistics.rights import (
    dividend_drill,
    dividend_report,
    transfer_drill,
    transfer_report,
)
from registry.reports.summary import district_summary
from registry.services.land.importer import import_land
from tests.services.homesteads.helpers import RIGHTS, village_with_roster
from tests.services.land_helpers import TODAY

V1 = "370305100201"
NOW = Period(dt.date(2026, 6, 15))


def _area(s, code: str) -> Area:
    return s.scalar(select(Area).where(Area.code == code))


def _total(report, table: int = 0) -> dict[str, object]:
    row = report.tables[table].rows[-1]
    return {c.cell.split(":")[1]: c.value for c in row if isinstance(c, Figure)}


def test_member_statistics_agree_with_the_district_summary(db, demo, clock):
    village_with_roster(db, V1)
    village_with_roster(db, "370305102201")
    summary = district_summary(db.session, "370305").total
    total = _total(member_statistics(db.session, _area(db.session, "370305000000"), NOW))
    assert (total["households"], total["members"], total["male"], total["female"]) == (
        summary.households, summary.members, summary.male, summary.female)
    bands = ("age_0_17", "age_18_34", "age_35_59", "age_60", "age_unknown")
    assert sum(total[b] for b in bands) == total["members"]


def test_hukou_decoupled_members_agree_with_the_summary_H01(db, demo, clock):
    village_with_roster(db, V1)
    report = hukou_report(db.session, _area(db.session, V1), NOW)
    outside = district_summary(db.session, V1).total.hukou_outside
    assert outside > 0 and _total(report)["outside"] == outside
    assert len(report.tables[1].rows) == outside  # one line per member, with the rights kept


def test_filing_progress_counts_the_latest_version_of_each_organisation_F02(s, village, clerk):
    town = _area(s, "370305100000")
    total = _total(filing_progress(s, town, NOW))
    assert total["town_filed"] == 1  # 东柳庄村's version 1, recorded by the town, not yet by the district
    assert total["district_filed"] == total["town_review"] == total["in_village"] == 0
    assert total["organisations"] == total["none"] + 1


def test_land_circulation_rows_add_up_and_receivers_are_typed(db, demo, clock):
    org = village_with_roster(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None,
                       today=TODAY).committed
    db.session.commit()
    report = land_circulation(db.session, _area(db.session, V1), NOW)
    rows = {row[0]: row[2].value for row in report.tables[0].rows}
    assert rows["家庭承包耕地面积"] > rows["家庭承包耕地流转总面积"] > 0
    assert rows["其中：出租（转包）"] + rows["入股"] + rows["其他形式"] == rows["家庭承包耕地流转总面积"]
    receivers = [v for k, v in rows.items() if k.startswith("流转入")]
    assert sum(receivers) == rows["家庭承包耕地流转总面积"]
    kinds = dict(db.session.execute(select(Circulation.receiver_name, receiver_type())).all())
    assert kinds["临淄区齐都镇东柳庄康田土地股份专业合作社"] == "cooperative"
    assert kinds["淄博临牧农业开发有限公司"] == "enterprise"
    assert kinds["鲁志鹏"] == "farmer"
    one = db.session.scalars(select(Circulation)).first()
    for name, code, kind in (("临淄区齐都镇王家家庭农场", "92370305MA3XXXXX1X", "family_farm"),
                             ("齐都镇某某农机合作社", None, "cooperative"),
                             ("某某村委会", "54370305MB000000X", "other"),
                             ("张三", None, "other")):
        one.receiver_name, one.receiver_id_number = name, code
        db.session.flush()
        assert db.session.scalar(select(receiver_type()).where(Circulation.id == one.id)) == kind, name


def test_transaction_and_dividend_summaries_and_their_lists(db, demo, clock):
    """Transactions by type and state with their price; dividend rounds per village (cancelled left out)."""
    org = village_with_roster(db, V1)
    # three households: one holder may have only one open transaction over its units of one type (issue 11)
    households = db.session.scalars(select(Household).where(Household.organization_id == org.id)
                                    .order_by(Household.id).limit(3)).all()
    for household, (price, day) in zip(households, ((Decimal("100.50"), dt.date(2026, 3, 1)),
                                                    (Decimal("200"), dt.date(2026, 4, 1)),
                                                    (Decimal("7"), dt.date(2025, 4, 1))), strict=True):
        db.session.add(Transfer(organization_id=org.id, area_code=V1, type="share_transfer", state="draft",
                                household_from_id=household.id, share_type="population", units=Decimal(1),
                                price=price, agreement_date=day))
    zero = Decimal(0)
    plan = Resolution(organization_id=org.id, subject="distribution_plan", notice_date=dt.date(2025, 12, 1),
                      meeting_date=dt.date(2025, 12, 20), base_members=1, attendees=1, votes_for=1, passed=True)
    db.session.add(plan)
    db.session.flush()
    for state, net in (("paid", Decimal("1000")), ("draft", Decimal("500")), ("cancelled", Decimal("9"))):
        db.session.add(DividendRound(organization_id=org.id, area_code=V1, title=state, record_date=dt.date(2026, 1, 1),
                                     net_income=net, reserve_rate=Decimal("0.3"), reserve=net * Decimal("0.3"),
                                     distributable=net * Decimal("0.7"), total_units=zero, rounding_mode="x",
                                     algorithm_version="S-12/1", holder_unit="household", source="roster",
                                     state=state, cancel_reason="x" if state == "cancelled" else None,
                                     resolution_id=plan.id if state == "paid" else None))
    db.session.commit()
    town = _area(db.session, "370305100000")
    period = Period(dt.date(2026, 6, 15), dt.date(2026, 1, 1))
    transfers = transfer_report(db.session, town, period)
    (line, total) = transfers.tables[0].rows
    assert line[:2] == ["股份转让", "草稿"] and line[2].value == 2 and line[3].value == Decimal("300.50")
    assert len(db.session.execute(transfer_drill(db.session, town, period, line[2].cell).stmt).all()) == 2
    assert len(db.session.execute(transfer_drill(db.session, town, period, total[2].cell).stmt).all()) == 2
    dividends = dividend_report(db.session, town, period)
    village, total = dividends.tables[0].rows
    assert (village[2].value, village[3].value, village[5].value) == (2, 1, Decimal("1500.00"))
    for figure in dividends.figures():
        if not isinstance(figure.value, int):  # an amount: its list is the same rounds, which show it
            continue
        drill = dividend_drill(db.session, town, period, figure.cell)
        assert len(db.session.execute(drill.stmt).all()) == figure.value
