"""Import of changes for a village with a filed roster (issue 3 step 7): the preview shows the
diff (added / ended / changed); 已丧失 rows carry a lawful 丧失原因 or get ``value.unknown``; a
member missing from the file is kept (M-09) with the warning ``roster.not_in_file``."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, Membership, Person
from registry.services.filing import filings as F
from registry.services.roster.diff import filing_diff
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES
from tests.services.filing_helpers import org, resident_id, user
from tests.services.import_helpers import LOST_ON, TODAY, Book, non_head_rows
from tests.services.membership_helpers import D, file_version

A = "370305100201"
DATA = (SAMPLES / f"roster_{A}.xlsx").read_bytes()


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def s(db, demo):
    return db.session


@pytest.fixture
def filed(s):
    o = org(s, A)
    assert import_roster(s, DATA, o, actor=None).committed
    file_version(s, o, user(s, "clerk"), posted=D(2025, 1, 2), meeting=D(2025, 1, 20))
    return o


def member(s, book, row) -> Membership:
    return s.scalar(select(Membership).join(Person).where(Person.id_number == book.get(row, "证件号码")))


def test_loss_rows_need_a_lawful_ground(s, filed):
    book = Book()
    r1, r2, r3, r4 = non_head_rows(book, 4)
    book.lose(r1)  # no ground
    book.lose(r2, "户口迁出")  # hukou is never a ground (H-02)
    book.lose(r3, "自愿退出")  # needs the application and consent (M-18)
    book.lose(r4, "其他")  # charter_or_law without the citation (M-09)
    report = import_roster(s, book.bytes(), filed, actor=None, dry_run=True)
    by_row = {e["row"]: e for e in report.errors}
    assert {r: (e["code"], e["column"]) for r, e in by_row.items()} == {
        r1: ("value.unknown", "丧失原因"), r2: ("value.unknown", "丧失原因"), r3: ("value.unknown", "丧失原因"),
        r4: ("loss.refused", "丧失原因")}
    assert "H-02" in by_row[r2]["message"] and "M-18" in by_row[r3]["message"] and "[M-09]" in by_row[r4]["message"]
    report = import_roster(s, book.bytes(), filed, actor=None)
    assert not report.committed and member(s, book, r1).status == "confirmed"


def test_import_of_changes_previews_the_diff_and_ends_through_the_workflow(s, filed):
    book = Book()
    dead, moved = non_head_rows(book, 2)
    book.lose(dead, "死亡", basis="死亡医学证明")
    book.set(moved, 联系电话="13800007777", 户籍所在地="山东省济南市历下区")
    # A newborn in the first household, a pending candidate (M-03).
    last = book.ws.max_row
    new_row = last + 1
    for heading, col in book.col.items():
        book.ws.cell(row=new_row, column=col, value=book.get(3, heading))
    child_id = resident_id(TODAY - dt.timedelta(days=100), "2")
    book.set(new_row, 成员姓名="张新生", 证件号码=child_id, 与户主关系="女", 出生日期=None, 性别=None,
             成员状态="待确认", 取得方式="出生", 取得日期=None, 联系电话=None)
    # One member is left out of the file: kept (M-09).
    left_out = member(s, book, last)
    book.ws.delete_rows(last)

    preview = import_roster(s, book.bytes(), filed, actor=None, dry_run=True)
    assert preview.errors == [], preview.errors[:3]
    assert (preview.created, preview.updated, preview.ended) == (1, 1, 1)
    assert [a["name"] for a in preview.diff["added"]] == ["张新生"]
    assert [(e["row"], e["ground"], e["date"]) for e in preview.diff["ended"]] == [(dead, "死亡", LOST_ON.isoformat())]
    changed = dict((h, (o, n)) for h, o, n in preview.diff["changed"][0]["fields"])
    assert changed["联系电话"][1] == "13800007777" and changed["户籍所在地"][1] == "山东省济南市历下区"
    not_in_file = [w for w in preview.warnings if w["code"] == "roster.not_in_file"]
    assert len(not_in_file) == 1 and left_out.person.name in not_in_file[0]["message"]

    report = import_roster(s, book.bytes(), filed, actor=user(s, "clerk"))
    assert report.committed
    m = member(s, book, dead)
    assert (m.status, m.loss_ground, m.lost_at, m.loss_evidence) == ("lost", "death", LOST_ON, "死亡医学证明")
    assert s.scalar(select(AuditEvent.action).where(AuditEvent.target_id == m.id,
                                                    AuditEvent.target_type == "membership")) == "membership.ended"
    assert s.get(Membership, left_out.id).status == "confirmed"
    diff = filing_diff(s, F.open_filing(s, filed.id))
    assert [r.membership_id for r in diff.ended] == [m.id]
    assert [r.name for r in diff.added] == ["张新生"] and len(diff.changed) == 1
    # Importing the same file again: the ending is already recorded, nothing changes.
    again = import_roster(s, book.bytes(), filed, actor=None, dry_run=True)
    assert (again.created, again.updated, again.ended, again.errors) == (0, 0, 0, [])


def test_loss_row_for_a_person_not_on_the_roster_is_history(s, demo):
    """A first import may carry past members: recorded as lost, with the same rules."""
    o = org(s, "370305100204")
    book = Book()
    row = non_head_rows(book, 1)[0]
    book.lose(row, "取得其他集体经济组织成员身份")
    report = import_roster(s, book.bytes(), o, actor=None, dry_run=True)
    assert [(e["row"], e["code"]) for e in report.errors] == [(row, "loss.refused")]  # M-12: the proof
    book.lose(row, "取得其他集体经济组织成员身份", basis="博兴县某村成员确认书")
    report = import_roster(s, book.bytes(), o, actor=None)
    assert report.committed
    m = member(s, book, row)
    assert (m.status, m.loss_ground, m.loss_evidence) == ("lost", "other_membership", "博兴县某村成员确认书")
