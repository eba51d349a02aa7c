"""A small seeded district for the dashboard tests (issue 12 item 2): members of both sexes and several
ages and grounds, endings over two years, hukou moves to a town, a school, the army, another village and
elsewhere, filings at every stage, land with a current and an ended parcel and circulations to several
receiver types, homesteads, share holdings, dividend rounds (one cancelled) and transactions (one still a
draft) — in 齐都镇 (the town officer's) and in 皇城镇 (outside it)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from registry.models import (
    Circulation,
    DividendRound,
    Filing,
    Homestead,
    HukouRecord,
    LandContract,
    Parcel,
    ShareHolding,
    Transfer,
)
from registry.services.areas import organization_for_village
from tests.conftest import make_id

V1, V2, V3, V_OUT = "370305100201", "370305100202", "370305100203", "370305102201"
TODAY = dt.date(2026, 6, 15)
D = Decimal


def _member(add_member, village, seq, *, household, birth="19800101", relation="10", **fields):
    return add_member(village, f"测试{seq}", make_id(birth=birth, seq=f"{seq:03d}"), household=household,
                      relation=relation, **fields)


def seed(db, add_member) -> dict:
    """Seeds the district; returns the records the tests look at."""
    s = db.session
    m = {}
    # V1: two households; men and women of several ages and grounds
    m["head1"] = _member(add_member, V1, 1, household="0001", relation="02", birth="19500301")
    m["wife1"] = _member(add_member, V1, 2, household="0001", birth="19550510", ground="marriage")
    m["child1"] = _member(add_member, V1, 3, household="0001", birth="20150707", ground="birth")
    m["student"] = _member(add_member, V1, 4, household="0001", birth="20050101", retention_flags="study")
    m["head2"] = _member(add_member, V1, 7, household="0002", relation="02", birth="19700101")
    m["soldier"] = _member(add_member, V1, 9, household="0002", birth="20030303", retention_flags="military")
    m["pending"] = _member(add_member, V1, 11, household="0002", birth="19990909", status="pending", ground="admission")
    m["dead"] = _member(add_member, V1, 13, household="0002", birth="19300101", status="lost", loss_ground="death",
                        lost_at=dt.date(2025, 3, 1))
    m["left"] = _member(add_member, V1, 16, household="0002", birth="19900101", status="withdrawn",
                        loss_ground="withdrawal", lost_at=dt.date(2026, 2, 1),
                        withdrawal_applied_on=dt.date(2026, 1, 1))
    # V2: one household; a member who settled in town, one whose hukou went to another village
    m["head3"] = _member(add_member, V2, 17, household="0001", relation="02", birth="19650101")
    m["townie"] = _member(add_member, V2, 20, household="0001", birth="19920202")
    m["moved"] = _member(add_member, V2, 21, household="0001", birth="19880808")
    m["civil"] = _member(add_member, V2, 22, household="0001", birth="19850505", status="lost",
                         loss_ground="civil_servant", lost_at=dt.date(2026, 1, 10))
    # 皇城镇: outside the town officer's scope
    m["out"] = _member(add_member, V_OUT, 25, household="0001", relation="02", birth="19600101")
    m["out_away"] = _member(add_member, V_OUT, 26, household="0001", birth="19950101")

    def hukou(member, *, place, in_org=False, town=False, ended=None):
        s.add(HukouRecord(person_id=member.person_id, place=place, in_organization=in_org, moved_to_town=town,
                          moved_at=dt.date(2024, 5, 1), valid_to=ended))

    hukou(m["student"], place="淄博市张店区某大学")
    hukou(m["soldier"], place="某部队")
    hukou(m["townie"], place="淄博市临淄区辛店街道", town=True)
    hukou(m["moved"], place="齐都镇东柳庄村", ended=dt.date(2025, 1, 1))  # the old record, ended
    hukou(m["moved"], place="皇城镇后杨家村")
    hukou(m["head3"], place="齐都镇北槐村", in_org=True)
    hukou(m["out_away"], place="济南市", town=False)
    hukou(m["dead"], place="外地")  # an ended membership is not "kept"

    org = {code: organization_for_village(s, code) for code in (V1, V2, V3, V_OUT)}
    when = dt.datetime(2026, 6, 1, 2, 0)
    s.add_all([
        Filing(organization_id=org[V1].id, version_no=1, state="district_filed", area_code=V1, submitted_at=when),
        Filing(organization_id=org[V1].id, version_no=2, state="town_review", area_code=V1,
               submitted_at=dt.datetime(2026, 6, 5, 2, 0)),
        Filing(organization_id=org[V2].id, version_no=1, state="town_filed", area_code=V2,
               submitted_at=dt.datetime(2026, 5, 20, 2, 0)),
        Filing(organization_id=org[V_OUT].id, version_no=1, state="draft", area_code=V_OUT),
    ])
    h1, h2 = m["head1"].household_id, m["head2"].household_id
    h3, h_out = m["head3"].household_id, m["out"].household_id
    # land: one contract in V1 with a current and an ended parcel, circulations to several receivers
    contract = LandContract(organization_id=org[V1].id, household_id=h1, representative_id=m["head1"].person_id,
                            contractor_code=V1 + "010001", method="110", term_start=dt.date(1998, 1, 1),
                            term_end=dt.date(2027, 12, 31))
    contract2 = LandContract(organization_id=org[V_OUT].id, household_id=h_out,
                             representative_id=m["out"].person_id, contractor_code=V_OUT + "010001", method="123",
                             term_start=dt.date(1998, 1, 1), term_end=dt.date(2027, 12, 31))
    s.add_all([contract, contract2])
    s.flush()
    s.add_all([
        Parcel(contract_id=contract.id, code=V1 + "01" + "00001", contract_area=D("2.5000")),
        Parcel(contract_id=contract.id, code=V1 + "01" + "00002", contract_area=D("1.2500")),
        Parcel(contract_id=contract.id, code=V1 + "01" + "00003", contract_area=D("9.0000"),
               valid_to=dt.date(2020, 1, 1), end_ground="登记更正"),
        Parcel(contract_id=contract2.id, code=V_OUT + "01" + "00001", contract_area=D("3.3300")),
    ])

    def circulation(c, method, name, rid, area, start=dt.date(2024, 1, 1), end=dt.date(2027, 12, 31), ended=None):
        s.add(Circulation(contract_id=c.id, method=method, receiver_name=name, receiver_id_number=rid,
                          area=D(area), starts_on=start, ends_on=end, valid_to=ended,
                          end_ground="解除" if ended else None))

    circulation(contract, "lease", "王大", make_id(birth="19700101", seq="501"), "1.0000")
    circulation(contract, "share_in", "齐都镇粮食种植专业合作社", "93370305MA3C00001X", "1.5000")
    circulation(contract, "lease", "临淄某农业有限公司", "91370305MA3C00002Y", "0.7500")
    circulation(contract, "other", "李氏家庭农场", None, "0.2500")
    circulation(contract, "lease", "过期承租人", None, "0.5000", end=dt.date(2025, 12, 31))  # ended by term
    circulation(contract, "lease", "解除承租人", None, "0.5000", ended=dt.date(2025, 6, 1))  # ended early
    circulation(contract2, "sublease", "赵二", None, "2.0000")
    # homesteads
    s.add_all([
        Homestead(organization_id=org[V1].id, household_id=h1, plot_code=V1 + "JC00001", plot_area=D("120.00")),
        Homestead(organization_id=org[V1].id, household_id=h2, plot_code=V1 + "JC00002", plot_area=D("140.50")),
        Homestead(organization_id=org[V2].id, household_id=h3, plot_code=V2 + "JC00001", plot_area=D("99.00"),
                  status="withdrawn_paid"),
        Homestead(organization_id=org[V2].id, household_id=h3, plot_code=V2 + "JC00002", plot_area=D("80.00"),
                  valid_to=dt.date(2025, 1, 1), end_ground="correction"),
        Homestead(organization_id=org[V_OUT].id, household_id=h_out, plot_code=V_OUT + "JC00001",
                  plot_area=D("110.00")),
    ])
    # shares: holdings valid today, one ended, one starting later
    start = dt.date(2020, 1, 1)

    def holding(village, household, share_type, units, **kw):
        s.add(ShareHolding(organization_id=org[village].id, area_code=village, household_id=household,
                           share_type=share_type, units=D(units), valid_from=kw.pop("valid_from", start),
                           ground="测试", **kw))

    holding(V1, h1, "population", "4.0000")
    holding(V1, h1, "farm_age", "2.5000")
    holding(V1, h2, "population", "3.0000")
    holding(V1, h2, "population", "1.0000", valid_to=dt.date(2025, 1, 1), end_ground="调整")
    holding(V1, h2, "farm_age", "1.0000", valid_from=dt.date(2027, 1, 1))
    holding(V_OUT, h_out, "population", "2.0000")

    def dividend(village, record_date, distributable, state="draft", **kw):
        zero = D(0)
        s.add(DividendRound(organization_id=org[village].id, area_code=village, title=f"{record_date.year}年分配",
                            record_date=record_date, net_income=D(distributable), reserve_rate=D("0"),
                            reserve=zero, distributable=D(distributable), total_units=D(1),
                            rounding_mode="largest_remainder", algorithm_version="S-12/1",
                            holder_unit="household", source="roster", state=state, **kw))

    dividend(V1, dt.date(2024, 12, 31), "10000.00")
    dividend(V1, dt.date(2025, 12, 31), "12345.67")
    dividend(V1, dt.date(2026, 3, 31), "999.99", state="cancelled", cancel_reason="重新计算")
    dividend(V2, dt.date(2025, 12, 31), "5000.00")
    dividend(V_OUT, dt.date(2025, 12, 31), "7000.50")
    s.flush()
    homestead_v1 = s.query(Homestead).filter_by(plot_code=V1 + "JC00002").one()

    def transfer(village, type_, price, state="recorded", journal=None, **kw):
        recorded = state == "recorded"
        s.add(Transfer(organization_id=org[village].id, area_code=village, type=type_, state=state, price=D(price),
                       agreement_date=dt.date(2026, 1, 5), voluntary_applied=recorded,
                       voluntary_applied_on=dt.date(2026, 1, 4) if recorded else None,
                       voluntary_document="申请书" if recorded else None,
                       effective_on=dt.date(2026, 2, 1) if recorded else None, journal_no=journal, **kw))

    transfer(V1, "share_transfer", "3000.00", journal=1, household_from_id=h1, household_to_id=h2,
             share_type="population", units=D("0.5000"))
    transfer(V1, "share_buyback", "800.00", journal=2, household_from_id=h2, share_type="farm_age", units=D("0.2500"))
    transfer(V1, "homestead_withdrawal", "56000.00", journal=3, household_from_id=h2, homestead_id=homestead_v1.id)
    transfer(V1, "share_gift", "0.00", state="draft", household_from_id=h1, household_to_id=h2,
             share_type="population", units=D("0.1000"))
    transfer(V_OUT, "share_buyback", "1200.00", journal=1, household_from_id=h_out, share_type="population",
             units=D("0.5000"))
    s.commit()
    return m
