"""Period change report (issue 12 "Done when": a period change report over a period with known operations
lists exactly those operations). Admissions and endings are seeded through the lifecycle services on
known dates (M-02 confirmation on the meeting date, M-09 / M-14 / M-18 endings on their dates)."""
from __future__ import annotations

import datetime as dt

from registry.models import Area
from registry.reports.statistics import Figure, Period
from registry.reports.statistics.changes import change_drill, change_report
from registry.services.filing.resolutions import record_resolution
from registry.services.membership.changes import add_member, end_membership, withdraw
from tests.services.membership_helpers import MEETING, TODAY, D, decide, new_id

PERIOD = Period(D(2025, 3, 31), D(2025, 2, 1))


def seed(s, o, clerk, members):
    """In the period: a death (02-02), a withdrawal (02-20), a charter ending (03-01), and a bride and a
    newborn confirmed by the assembly of 03-20. Before it: a death on 01-25 and the 2019 reform roster."""
    bride = add_member(s, o, id_number=new_id(D(1999, 2, 8), "2"), name="赵嫁入", ground="marriage",
                       relation="38", household_id=members[2].household_id, actor=clerk, today=TODAY)
    baby = add_member(s, o, id_number=new_id(D(2025, 1, 10), "1"), name="张新生", ground="birth", relation="40",
                      household_id=members[1].household_id, birth_date=D(2025, 1, 10), actor=clerk, today=TODAY)
    end_membership(s, members[8], ground="death", lost_at=D(2025, 1, 25), actor=clerk, today=TODAY)
    end_membership(s, members[7], ground="death", lost_at=D(2025, 2, 2), actor=clerk, today=TODAY)
    consent = record_resolution(s, o, subject="withdrawal_consent", notice_date=D(2025, 2, 1),
                                meeting_date=D(2025, 2, 20), base_members=7, attendees=7, votes_for=7, actor=clerk,
                                today=TODAY)
    withdraw(s, members[4], applied_on=D(2025, 1, 30), resolution=consent, note="自愿退出", actor=clerk, today=TODAY)
    end_membership(s, members[0], ground="charter_or_law", citation="章程第十二条", note="长期失联", lost_at=TODAY,
                   actor=clerk, today=TODAY)
    decide(s, o, clerk, base=5)  # 9 reform members less the two deaths, the withdrawal and the charter ending
    return bride, baby


def test_change_report_lists_exactly_the_operations_of_the_period(s, village, clerk):
    o, members = village
    bride, baby = seed(s, o, clerk, members)
    area = s.get(Area, o.area_id)
    report = change_report(s, area, PERIOD)
    summary, detail = report.tables
    assert report.title_row == "东柳庄村（370305100201）成员增减变动表（2025-02-01 至 2025-03-31）"
    got = [(row[0], row[1], row[4], row[9]) for row in detail.rows]
    assert got == [
        (D(2025, 2, 2), "减少", members[7].person.name, "死亡"),
        (D(2025, 2, 20), "减少", members[4].person.name, "自愿退出"),
        (D(2025, 3, 1), "减少", members[0].person.name, "章程或法律规定的其他情形"),
        (MEETING, "新增", bride.person.name, "婚姻"),
        (MEETING, "新增", baby.person.name, "出生"),
    ]
    village_row = summary.rows[0]
    figures = {f.cell.split(":")[1]: f.value for f in village_row if isinstance(f, Figure)}
    assert figures["added"] == 2 and figures["added.marriage"] == 1 and figures["added.birth"] == 1
    assert figures["removed"] == 3 and figures["removed.death"] == 1 and figures["removed.withdrawal"] == 1
    assert figures["removed.charter_or_law"] == 1 and figures["added.reform"] == 0


def test_change_figures_equal_their_lists(s, village, clerk):
    """Item 2: each figure of the change report equals the length of its records list."""
    o, members = village
    seed(s, o, clerk, members)
    area = s.get(Area, o.area_id)
    for a in (area, s.get(Area, area.parent_id)):  # the village, and its town
        report = change_report(s, a, PERIOD)
        for figure in report.figures():
            drill = change_drill(s, a, PERIOD, figure.cell)
            assert len(s.execute(drill.stmt).all()) == figure.value, figure.cell


def test_period_edges_are_inclusive_and_outside_is_left_out(s, village, clerk):
    o, members = village
    seed(s, o, clerk, members)
    area = s.get(Area, o.area_id)
    one_day = change_report(s, area, Period(D(2025, 2, 2), D(2025, 2, 2)))
    assert [(r[1], r[9]) for r in one_day.tables[1].rows] == [("减少", "死亡")]
    before = change_report(s, area, Period(D(2025, 1, 31), D(2025, 1, 1)))
    assert [(r[0], r[9]) for r in before.tables[1].rows] == [(D(2025, 1, 25), "死亡")]
    assert change_report(s, area, Period(D(2024, 12, 31), D(2020, 1, 1))).tables[1].rows == []
    whole = change_report(s, area, Period(dt.date(2025, 12, 31), dt.date(2019, 1, 1)))
    assert len([r for r in whole.tables[1].rows if r[1] == "新增"]) == 9 + 2  # the reform roster of 2019 too
