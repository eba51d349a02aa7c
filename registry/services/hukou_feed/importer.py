"""Import the police's hukou change list for a town or the district (issue 12 item 6; H-01, H-02, H-06).

Each readable row is matched by the normalised ID number to a current member (待确认, 正式成员, 争议中) of a
village in the area. A matched row is recorded as hukou information — a move out (迁出) or in (迁入) as the
person's new ``HukouRecord`` (the old one ends on the feed's date), a death or another change on the hint
only — and raises one "review suggested" hint for the village clerk. Nothing else changes: no status, no
flag, no right (H-01); a death only proposes the loss (the clerk confirms it, ``hints.confirm_death``).
Unmatched rows (an unknown ID, a person outside the area, no current membership) and unreadable rows are
listed and stored with the import record. One hint per person, change type and date: re-importing the same
file adds nothing. The preview is the same run with ``dry_run`` (the caller rolls back); the caller commits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from registry.clock import local_today
from registry.excel.hukou_feed import CHANGE_LABELS, FeedRow, feed_rows, is_town, read_feed
from registry.excel.reader import FileError
from registry.models import Area, HukouFeedImport, HukouHint, HukouRecord, Membership, Person
from registry.services import audit
from registry.services.errors import DomainError

#: Membership states that a hint is raised for (an ended or rejected membership is not matched).
CURRENT = ("pending", "confirmed", "disputed")
_STATUS_ORDER = {"confirmed": 0, "disputed": 1, "pending": 2}
_UNMATCHED = {
    "person.unknown": "登记系统中没有此身份证号的人员",
    "person.outside": "此人不是本辖区各村的成员",
    "member.not_current": "此人在本辖区的成员身份已终止或未获确认",
}


@dataclass
class FeedLine:
    """One row of the preview or the result: ``status`` matched / unmatched / invalid; ``new``: the row
    raises a hint (False: the same change is already recorded, or the row repeats an earlier one)."""

    row: int
    id_masked: str
    name: str
    change_type: str | None
    change_date: dt.date | None
    destination: str | None
    status: str
    code: str | None = None
    message: str | None = None
    village_code: str | None = None
    village_name: str | None = None
    membership_id: int | None = None
    moved_to_town: bool = False
    new: bool = False

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS.get(self.change_type or "", "")

    def to_json(self) -> dict:
        return {"row": self.row, "id_number": self.id_masked, "name": self.name, "change_type": self.change_type,
                "change_date": self.change_date.isoformat() if self.change_date else None,
                "destination": self.destination, "status": self.status, "code": self.code,
                "message": self.message, "village": self.village_code, "new": self.new}


@dataclass
class FeedReport:
    area_code: str
    filename: str
    dry_run: bool
    rows_read: int = 0
    lines: list[FeedLine] = field(default_factory=list)
    file_error: bool = False
    file_message: str | None = None
    committed: bool = False
    import_id: int | None = None

    def of(self, status: str) -> list[FeedLine]:
        return [line for line in self.lines if line.status == status]

    @property
    def matched(self) -> list[FeedLine]:
        return self.of("matched")

    @property
    def unmatched(self) -> list[FeedLine]:
        return self.of("unmatched")

    @property
    def invalid(self) -> list[FeedLine]:
        return self.of("invalid")

    @property
    def hints_created(self) -> int:
        return sum(1 for line in self.matched if line.new)

    @property
    def errors(self) -> list[dict]:
        """The unreadable rows in the roster import's shape (the CLI's exit code 1)."""
        return [{"row": line.row, "column": None, "code": line.code, "message": line.message}
                for line in self.invalid]

    def to_json(self) -> dict:
        return {"rows_read": self.rows_read, "matched": len(self.matched), "hints_created": self.hints_created,
                "unmatched": len(self.unmatched), "invalid": len(self.invalid), "committed": self.committed,
                "import_id": self.import_id, "errors": self.errors,
                "file_error": {"message": self.file_message} if self.file_error else None,
                "rows": [line.to_json() for line in self.lines]}


def mask(id_text: str) -> str:
    """First 6 + ``********`` + last 4 of an ID as written in the list (never the whole number)."""
    text = (id_text or "").strip()
    return text[:6] + "********" + text[-4:] if len(text) > 10 else "*" * len(text)


def import_hukou_feed(session: Session, data: bytes, area: Area, *, actor, filename: str = "hukou.csv",
                      dry_run: bool = False, today: dt.date | None = None,
                      max_rows: int | None = None) -> FeedReport:
    """Read, match and (unless ``dry_run``) record the list for ``area`` (a town or the district; a village
    works too) by ``actor`` (a town or district user whose scope holds the area; None for a system run).
    Flushes, never commits. A file error leaves the database untouched."""
    today = today or local_today()
    if actor is not None and (actor.role not in ("town", "district") or not area.code.startswith(actor.scope)):
        raise DomainError("hukou_feed.scope", "只有本乡镇或区级用户可以导入其辖区的户籍变动清单", rule="H-06")
    report = FeedReport(area.code, filename, dry_run)
    try:
        rows = list(feed_rows(read_feed(data, filename, max_rows=max_rows), today=today))
    except FileError as exc:
        report.file_error, report.file_message = True, exc.message
        return report
    report.rows_read = len(rows)
    scope = area.scope_prefix
    people = _people(session, {r.id_number for r in rows if r.id_number})
    memberships = _memberships(session, [p.id for p in people.values()])
    seen: set[tuple[int, str, dt.date]] = set()
    plans: list[tuple[FeedRow, FeedLine, Membership]] = []
    for row in rows:
        line = FeedLine(row.row, mask(row.id_text), row.name, row.change_type, row.change_date, row.destination,
                        "invalid", row.code, row.message)
        report.lines.append(line)
        if row.code:
            continue
        person = people.get(row.id_number)
        membership, reason = _match(person, memberships, scope)
        if membership is None:
            line.status, line.code, line.message = "unmatched", reason, _UNMATCHED[reason]
            continue
        org = membership.organization
        line.status, line.membership_id = "matched", membership.id
        line.village_code, line.village_name = org.area_code, org.name
        line.moved_to_town = row.change_type == "out" and is_town(row.destination)
        if person.name != row.name and row.name:
            line.message = f"姓名与登记不一致（登记为{person.name}）"
        key = (person.id, row.change_type, row.change_date)
        line.new = key not in seen
        seen.add(key)
        if line.new:
            plans.append((row, line, membership))
    plans = _without_recorded(session, plans)
    if dry_run:
        return report
    record = HukouFeedImport(area_code=area.code, filename=filename[:200], digest=hashlib.sha256(data).hexdigest(),
                             imported_by_id=getattr(actor, "id", None), rows_read=report.rows_read,
                             matched=len(report.matched), hints_created=report.hints_created,
                             unmatched_count=len(report.unmatched), invalid_count=len(report.invalid),
                             unmatched=[line.to_json() for line in report.lines if line.status != "matched"])
    session.add(record)
    session.flush()
    for row, line, membership in plans:
        _record(session, record, row, line, membership, actor=actor)
    audit.record(session, actor=actor, action="hukou_feed.imported", target_type="hukou_feed_import",
                 target_id=record.id, area_code=area.code, filename=filename, digest=record.digest,
                 rows_read=record.rows_read, matched=record.matched, hints_created=record.hints_created,
                 unmatched=record.unmatched_count, invalid=record.invalid_count, rule="H-06")
    session.flush()
    report.committed, report.import_id = True, record.id
    return report


def _people(session: Session, numbers: set[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    chunk = sorted(numbers)
    for start in range(0, len(chunk), 500):
        for person in session.scalars(select(Person).where(Person.id_number.in_(chunk[start:start + 500]))):
            found[person.id_number] = person
    return found


def _memberships(session: Session, person_ids: list[int]) -> dict[int, list[Membership]]:
    """Every membership of these people (scope decided per row: inside or outside the area)."""
    out: dict[int, list[Membership]] = {}
    for start in range(0, len(person_ids), 500):
        stmt = (select(Membership).options(joinedload(Membership.organization))
                .where(Membership.person_id.in_(person_ids[start:start + 500])))
        for m in session.scalars(stmt):
            out.setdefault(m.person_id, []).append(m)
    return out


def _match(person: Person | None, memberships: dict[int, list[Membership]],
           scope: str) -> tuple[Membership | None, str]:
    if person is None:
        return None, "person.unknown"
    inside = [m for m in memberships.get(person.id, []) if m.organization.area_code.startswith(scope)]
    if not inside:
        return None, "person.outside"
    current = sorted((m for m in inside if m.status in CURRENT), key=lambda m: (_STATUS_ORDER[m.status], m.id))
    if not current:
        return None, "member.not_current"
    return current[0], ""


def _without_recorded(session: Session, plans: list) -> list:
    """The planned rows whose change has no hint yet (one per person, type and date: idempotent re-import);
    the others' lines are marked not new."""
    person_ids = sorted({membership.person_id for _row, _line, membership in plans})
    recorded: set[tuple] = set()
    for start in range(0, len(person_ids), 500):
        stmt = (select(HukouHint.person_id, HukouHint.change_type, HukouHint.change_date)
                .where(HukouHint.person_id.in_(person_ids[start:start + 500])))
        recorded.update(tuple(r) for r in session.execute(stmt))
    keep = []
    for row, line, membership in plans:
        if (membership.person_id, row.change_type, row.change_date) in recorded:
            line.new = False
        else:
            keep.append((row, line, membership))
    return keep


def _record(session: Session, record: HukouFeedImport, row: FeedRow, line: FeedLine, membership: Membership,
            *, actor) -> HukouHint:
    """The hint, and for a move the new hukou record (information only, H-01): status, flags and rights
    stay as they are."""
    org = membership.organization
    hukou = _hukou(session, row, membership) if row.change_type in ("out", "in") else None
    hint = HukouHint(import_id=record.id, organization_id=org.id, area_code=org.area_code,
                     person_id=membership.person_id, membership_id=membership.id, row=row.row,
                     name_in_feed=(row.name or "")[:60], change_type=row.change_type, change_date=row.change_date,
                     destination=row.destination, moved_to_town=line.moved_to_town,
                     hukou_record_id=hukou.id if hukou is not None else None)
    session.add(hint)
    session.flush()
    audit.record(session, actor=actor, action="hukou_feed.hint", target_type="membership", target_id=membership.id,
                 area_code=org.area_code, person_id=membership.person_id, hint_id=hint.id, import_id=record.id,
                 change_type=row.change_type, change_date=row.change_date, destination=row.destination,
                 moved_to_town=line.moved_to_town, hukou_record_id=hint.hukou_record_id, status=membership.status,
                 rule="H-01")
    return hint


def _hukou(session: Session, row: FeedRow, membership: Membership) -> HukouRecord | None:
    """End the current hukou record(s) on the feed's date and add the new one — unless a record from that
    date or later is already there (the register knows a later change: the feed only raises the hint)."""
    current = list(session.scalars(select(HukouRecord).where(
        HukouRecord.person_id == membership.person_id, HukouRecord.valid_to.is_(None)).order_by(HukouRecord.id)))
    if any(r.moved_at is not None and r.moved_at >= row.change_date for r in current):
        return None
    for old in current:
        old.valid_to = row.change_date
    org = membership.organization
    moving_in = row.change_type == "in"
    place = (org.area.full_name if moving_in and not row.destination else row.destination) or None
    new = HukouRecord(person_id=membership.person_id, place=place, in_organization=moving_in,
                      organization_id=org.id if moving_in else None, moved_at=row.change_date,
                      moved_to_town=row.change_type == "out" and is_town(row.destination))
    session.add(new)
    session.flush()
    return new
