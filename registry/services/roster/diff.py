"""The change set of a roster version against the last filed version (F-07): members added (with
ground), ended (with ground and date, or rejected with the reason), changed fields (old → new per
heading), and household changes (new and dissolved households, head changes, moves).

A submitted or filed version is read from its frozen items; an open version (the clerk's
pre-submit view) from :func:`registry.services.filing.items.compute_items`, the same computation the
submission freezes. Read-only."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.codes import LOSS_GROUND, MEMBER_STATUS
from registry.models import Filing, FilingItem
from registry.services.filing.items import ADDED, CHANGED, ENDED, SEQ_HEADING, compute_items, last_filed

HOUSEHOLD, HEAD_NAME, RELATION_TO_HEAD = "户编号", "户主姓名", "与户主关系"
NAME, ID_NUMBER, STATUS, GROUND, ACQUIRED = "成员姓名", "证件号码", "成员状态", "取得方式", "取得日期"
BIRTH = "出生日期"


@dataclass
class FieldChange:
    heading: str
    old: str
    new: str


@dataclass
class DiffRow:
    membership_id: int
    name: str
    id_number: str
    household: str
    status: str
    ground: str = ""  # acquisition ground (added) or loss ground / 不予确认 (ended)
    date: str = ""  # acquired on (added) or lost on (ended)
    reason: str = ""  # citation, evidence, note, rejection reason, membership elsewhere
    kind: str = ""  # ended: lost / withdrawn / rejected
    keywords: list[str] = field(default_factory=list)  # W-02 words of an ending or rejection
    fields: list[FieldChange] = field(default_factory=list)
    birth: str = ""  # 出生日期 (ISO): a masked view shows a date equal to it as its year only


@dataclass
class HouseholdChange:
    number: str
    kind: str  # new / dissolved / head / member_in / member_out
    text: str


@dataclass
class RosterDiff:
    version_no: int
    previous_version_no: int | None
    frozen: bool
    added: list[DiffRow] = field(default_factory=list)
    ended: list[DiffRow] = field(default_factory=list)
    changed: list[DiffRow] = field(default_factory=list)
    households: list[HouseholdChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.ended or self.changed or self.households)


def _rows(session: Session, filing: Filing) -> tuple[list[dict], bool]:
    items = session.execute(select(FilingItem.membership_id, FilingItem.change, FilingItem.data, FilingItem.detail)
                            .where(FilingItem.filing_id == filing.id).order_by(FilingItem.id)).all()
    if items:
        return [{"membership_id": m, "change": c, "data": d, "detail": x} for m, c, d, x in items], True
    rows, _counts = compute_items(session, filing.organization_id, filing.version_no)
    return rows, False


def _reason(detail: dict) -> str:
    parts = []
    if detail.get("ended_by_village"):
        parts.append(f"已取得{detail['ended_by_village']}成员身份")
    for key in ("rejection_reason", "citation", "note", "evidence"):
        if detail.get(key):
            parts.append(detail[key])
    if detail.get("applied_on"):
        parts.append(f"书面申请 {detail['applied_on']}")
    if detail.get("retained_rights_until"):
        parts.append(f"已有权益保留至 {detail['retained_rights_until']}")
    return "；".join(parts)


def filing_diff(session: Session, filing: Filing) -> RosterDiff:
    """The changes of ``filing``'s roster version against the last filed version before it."""
    previous = last_filed(session, filing.organization_id, before_version=filing.version_no)
    prev: dict[int, dict] = {}
    if previous is not None:
        prev = dict(session.execute(select(FilingItem.membership_id, FilingItem.data).where(
            FilingItem.filing_id == previous.id, FilingItem.change != ENDED)).all())
    rows, frozen = _rows(session, filing)
    diff = RosterDiff(filing.version_no, previous.version_no if previous else None, frozen)
    for row in rows:
        data, change = row["data"], row["change"]
        entry = DiffRow(row["membership_id"], data.get(NAME, ""), data.get(ID_NUMBER, ""), data.get(HOUSEHOLD, ""),
                        data.get(STATUS, ""), birth=data.get(BIRTH, "") or "")
        if change == ADDED:
            entry.ground, entry.date = data.get(GROUND, ""), data.get(ACQUIRED, "")
            diff.added.append(entry)
        elif change == ENDED:
            detail = row["detail"] or {}
            entry.kind = detail.get("status", "")
            if entry.kind == "rejected":
                entry.ground = MEMBER_STATUS.label("rejected")
            else:
                entry.ground = LOSS_GROUND.label(detail.get("loss_ground")) or ""
                entry.date = detail.get("lost_at", "")
            entry.reason = _reason(detail)
            entry.keywords = list(detail.get("w02") or ())
            diff.ended.append(entry)
        elif change == CHANGED:
            before = prev.get(row["membership_id"], {})
            entry.fields = [FieldChange(h, before.get(h, ""), v) for h, v in data.items()
                            if h != SEQ_HEADING and before.get(h, "") != v]
            diff.changed.append(entry)
        else:
            diff.unchanged += 1
    diff.households = _household_changes(prev, [r for r in rows if r["change"] != ENDED])
    return diff


def _household_changes(prev: dict[int, dict], current: list[dict]) -> list[HouseholdChange]:
    """New and dissolved households, head changes of households in both versions, and members who
    moved from one household to another (by 户编号)."""
    old_heads = {d.get(HOUSEHOLD): d.get(HEAD_NAME, "") for d in prev.values()}
    new_heads = {r["data"].get(HOUSEHOLD): r["data"].get(HEAD_NAME, "") for r in current}
    out: list[HouseholdChange] = []
    if not prev:
        return out  # the first filed version: every household is new, nothing to compare
    for number in sorted(set(new_heads) - set(old_heads)):
        out.append(HouseholdChange(number, "new", f"新立户，户主{new_heads[number]}"))
    for number in sorted(set(old_heads) - set(new_heads)):
        out.append(HouseholdChange(number, "dissolved", f"该户已无成员（原户主{old_heads[number]}）"))
    for number in sorted(set(old_heads) & set(new_heads)):
        if old_heads[number] != new_heads[number]:
            out.append(HouseholdChange(number, "head", f"户主 {old_heads[number]} → {new_heads[number]}"))
    for r in current:
        before = prev.get(r["membership_id"])
        if before is not None and before.get(HOUSEHOLD) != r["data"].get(HOUSEHOLD):
            name = r["data"].get(NAME, "")
            out.append(HouseholdChange(r["data"].get(HOUSEHOLD, ""), "member_in",
                                       f"{name} 由户 {before.get(HOUSEHOLD)} 迁入"))
    return out
