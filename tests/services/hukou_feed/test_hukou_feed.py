"""Issue 12 item 6, "Done when": the hukou feed over the three clean sample villages with a generated change
list (moves to town, a move to another village, deaths, unknown IDs, a full-width ID, a GBK CSV) changes no
membership or right (H-01, H-02) and creates exactly the expected hints (H-06); a re-import creates none.
A death hint ends the membership with ground death only when the clerk confirms it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.models import Area, AuditEvent, HukouFeedImport, HukouHint, HukouRecord, Membership, User
from registry.services.errors import DomainError
from registry.services.hukou_feed.hints import confirm_death, mark_reviewed, village_hints
from registry.services.hukou_feed.importer import import_hukou_feed
from tests.services.hukou_feed_helpers import (
    UNKNOWN_IDS,
    confirmed_people,
    csv_bytes,
    full_width,
    snapshot,
    three_villages,
    xlsx_bytes,
)

V1, V2, V3 = "370305100201", "370305100202", "370305102201"
MOVED, DIED = dt.date(2026, 3, 2), dt.date(2026, 4, 1)


@pytest.fixture
def world(db, demo, clock):
    three_villages(db)
    p1, p2, p3 = confirmed_people(db, V1, 3)
    q1, q2 = confirmed_people(db, V2, 2)
    (r1,) = confirmed_people(db, V3, 1)
    xlsx_rows = [
        (p1.id_number, p1.name, "迁出", MOVED, "临淄区闻韶街道办事处"),  # move to town
        (full_width(p2.id_number), p2.name, "迁出", "2026年3月5日", "淄博市张店区"),  # full-width ID
        (p3.id_number, p3.name, "死亡", DIED, None),  # death: proposes the loss
        (q1.id_number, q1.name, "迁出", MOVED, "齐都镇北关村"),  # move to another village (not town)
        (UNKNOWN_IDS[0], "查无此人", "迁出", MOVED, "临淄区稷下街道"),  # unknown ID
        ("370305198001010010", "校验位错", "迁出", MOVED, ""),  # invalid: check character
        (r1.id_number, r1.name, "迁入", MOVED, None),  # other town's village: matched for the district
        (p1.id_number, p1.name, "迁出", MOVED, "临淄区闻韶街道办事处"),  # the same change twice in the file
    ]
    gbk_rows = [
        (q2.id_number.lower(), q2.name, "死亡", DIED, ""),
        (" ".join([q2.id_number[:6], q2.id_number[6:14], q2.id_number[14:]]), q2.name, "其他", MOVED, "更正"),
        (UNKNOWN_IDS[1], "外来人员", "迁入", MOVED, ""),
    ]
    return {"people": (p1, p2, p3, q1, q2, r1), "xlsx": xlsx_bytes(xlsx_rows),
            "gbk": csv_bytes(gbk_rows, encoding="gbk")}


def _district(db):
    return db.session.scalar(select(Area).where(Area.code == "370305000000"))


def _town(db, code="370305100000"):
    return db.session.scalar(select(Area).where(Area.code == code))


def _officer(db, name="district"):
    return db.session.scalar(select(User).where(User.username == name))


def _hints(db):
    return {(h.person.id_number, h.change_type, h.change_date) for h in db.session.scalars(select(HukouHint))}


def test_feed_changes_no_membership_or_right_and_creates_the_expected_hints_H01_H06(db, world):
    p1, p2, p3, q1, q2, r1 = world["people"]
    before = snapshot(db)
    district, officer = _district(db), _officer(db)
    first = import_hukou_feed(db.session, world["xlsx"], district, actor=officer, filename="changes.xlsx")
    gbk = import_hukou_feed(db.session, world["gbk"], district, actor=officer, filename="changes.csv")
    db.session.commit()
    assert first.committed and gbk.committed
    assert (len(first.matched), len(first.unmatched), len(first.invalid)) == (6, 1, 1)
    assert [line.code for line in first.unmatched] == ["person.unknown"]
    assert [line.code for line in first.invalid] == ["id.checksum"]
    assert first.hints_created == 5  # the repeated row raises none
    assert (len(gbk.matched), len(gbk.unmatched), gbk.hints_created) == (2, 1, 2)

    assert snapshot(db) == before  # H-01: no membership, land, homestead or share row changed
    assert _hints(db) == {
        (p1.id_number, "out", MOVED), (p2.id_number, "out", dt.date(2026, 3, 5)), (p3.id_number, "death", DIED),
        (q1.id_number, "out", MOVED), (r1.id_number, "in", MOVED), (q2.id_number, "death", DIED),
        (q2.id_number, "other", MOVED),
    }
    # Moves are hukou information: the member is hukou-decoupled, still a confirmed member.
    current = {r.person_id: r for r in db.session.scalars(select(HukouRecord).where(HukouRecord.valid_to.is_(None)))}
    assert current[p1.id].in_organization is False and current[p1.id].moved_to_town is True
    assert current[p2.id].moved_to_town is True and current[q1.id].moved_to_town is False
    assert current[r1.id].in_organization is True
    assert p3.id not in current or current[p3.id].moved_at != DIED  # a death records no hukou move
    # The unmatched and unreadable rows are kept with the import record, IDs masked.
    record = db.session.get(HukouFeedImport, first.import_id)
    assert [(r["status"], r["code"]) for r in record.unmatched] == [("unmatched", "person.unknown"),
                                                                     ("invalid", "id.checksum")]
    assert all(UNKNOWN_IDS[0] not in str(r) for r in record.unmatched)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action == "hukou_feed.imported"))
    assert events == 2


def test_reimport_creates_no_duplicate_hints(db, world):
    district, officer = _district(db), _officer(db)
    import_hukou_feed(db.session, world["xlsx"], district, actor=officer, filename="changes.xlsx")
    db.session.commit()
    hints, records = (db.session.scalar(select(func.count()).select_from(m)) for m in (HukouHint, HukouRecord))
    again = import_hukou_feed(db.session, world["xlsx"], district, actor=officer, filename="changes.xlsx")
    db.session.commit()
    assert again.committed and again.hints_created == 0 and len(again.matched) == 6
    assert db.session.scalar(select(func.count()).select_from(HukouHint)) == hints
    assert db.session.scalar(select(func.count()).select_from(HukouRecord)) == records


def test_town_import_lists_another_towns_member_as_outside(db, world):
    *_, r1 = world["people"]
    report = import_hukou_feed(db.session, world["xlsx"], _town(db), actor=_officer(db, "town"),
                               filename="changes.xlsx", dry_run=True)
    outside = [line for line in report.unmatched if line.code == "person.outside"]
    assert [line.name for line in outside] == [r1.name]
    assert db.session.scalar(select(func.count()).select_from(HukouHint)) == 0  # a dry run writes nothing


def test_death_ends_membership_only_when_the_clerk_confirms_H06(db, world):
    p3 = world["people"][2]
    import_hukou_feed(db.session, world["xlsx"], _district(db), actor=_officer(db), filename="changes.xlsx")
    db.session.commit()
    membership = db.session.scalar(select(Membership).where(Membership.person_id == p3.id))
    assert membership.status == "confirmed"  # proposed, not performed
    org = membership.organization
    death = next(h for h in village_hints(db.session, org) if h.change_type == "death")
    with pytest.raises(DomainError):  # only the village's clerk
        confirm_death(db.session, death, org, version=death.version, actor=_officer(db))
    clerk = _officer(db, "clerk")
    confirm_death(db.session, death, org, version=death.version, actor=clerk)
    db.session.commit()
    assert (membership.status, membership.loss_ground, membership.lost_at) == ("lost", "death", DIED)
    assert death.state == "confirmed"
    with pytest.raises(DomainError):  # resolved once
        mark_reviewed(db.session, death, org, version=death.version, actor=clerk)


def test_reviewing_a_move_changes_nothing_H01(db, world):
    import_hukou_feed(db.session, world["xlsx"], _district(db), actor=_officer(db), filename="changes.xlsx")
    db.session.commit()
    before = snapshot(db)
    org = _officer(db, "clerk").area.organization
    move = next(h for h in village_hints(db.session, org) if h.change_type == "out")
    mark_reviewed(db.session, move, org, version=move.version, note="已电话核实", actor=_officer(db, "clerk"))
    db.session.commit()
    assert move.state == "reviewed" and snapshot(db) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "hukou_feed.hint_reviewed")) == 1
