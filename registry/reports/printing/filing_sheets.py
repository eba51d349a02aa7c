"""The rows and figures of a roster version's print views (issue 12 item 4).

``notice_rows``: the 公示表 — the roster of the version as posted: the frozen items once it has been
submitted, otherwise the rows a submission would freeze now (the roster as it stands), in roster order,
with the change against the last filed version (F-07) and, for a membership that left the roster, how.
Only what a notice board may show: no ID number and no birth date (PIPL; README "Personal information").

``record_figures``: the 成员名册备案表 — counts of the version, its notice (F-04, F-05), and the linked
resolution's figures as they were decided on (base, attendance by way, votes, thresholds: A-02, A-03,
frozen in ``resolution_bases``), so a later roster change never changes a printed form.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Filing, FilingItem, PublicNotice, Resolution, ResolutionBasis
from registry.services.assembly.basis import basis_of
from registry.services.filing.items import CHANGES, ENDED, compute_items

#: The roster headings (DOMAIN §5) a public notice shows, in this order.
NOTICE_HEADINGS = ("序号", "组", "户编号", "户主姓名", "成员姓名", "性别", "与户主关系", "成员状态",
                   "取得方式", "取得日期")


@dataclass(frozen=True)
class NoticeRow:
    cells: tuple[str, ...]  # the NOTICE_HEADINGS values
    change: str  # added / changed / unchanged / ended
    detail: dict  # how an ended membership left the roster (ground, date, reason); {} otherwise


def _items(session: Session, filing: Filing) -> list[dict]:
    stmt = (select(FilingItem.change, FilingItem.data, FilingItem.detail)
            .where(FilingItem.filing_id == filing.id).order_by(FilingItem.id))
    frozen = [{"change": c, "data": d, "detail": x} for c, d, x in session.execute(stmt)]
    if frozen:
        return frozen
    rows, _counts = compute_items(session, filing.organization_id, filing.version_no)
    return rows


def _masked_date(value: str, birth: str) -> str:
    """A 取得日期 equal to the birth date would publish the birth date: show its year only."""
    return value[:4] if value and birth and value == birth else value


def notice_rows(session: Session, filing: Filing) -> list[NoticeRow]:
    out = []
    for item in _items(session, filing):
        data = item["data"]
        cells = tuple(str(data.get(h) or "") for h in NOTICE_HEADINGS)
        birth = str(data.get("出生日期") or "")
        cells = (*cells[:-1], _masked_date(cells[-1], birth))
        out.append(NoticeRow(cells=cells, change=item["change"], detail=item.get("detail") or {}))
    return out


@dataclass(frozen=True)
class RecordFigures:
    counts: dict[str, int]  # per change kind, on the version
    on_roster: int  # rows that are not ended
    households: int
    notice: PublicNotice | None
    objections: int
    objections_resolved: int
    resolution: Resolution | None
    basis: ResolutionBasis | None

    @property
    def attendees(self) -> int | None:
        b = self.basis
        return None if b is None else b.in_person + b.online + b.by_proxy


def record_figures(session: Session, filing: Filing) -> RecordFigures:
    items = _items(session, filing)
    counts = dict.fromkeys(CHANGES, 0)
    households = set()
    for item in items:
        counts[item["change"]] += 1
        if item["change"] != ENDED:
            households.add(item["data"].get("户编号"))
    notice = filing.notice
    objections = notice.objections if notice is not None else []
    resolution = filing.resolution
    return RecordFigures(
        counts=counts, on_roster=len(items) - counts[ENDED], households=len(households - {None, ""}),
        notice=notice, objections=len(objections), objections_resolved=sum(1 for o in objections if o.resolved),
        resolution=resolution, basis=basis_of(session, resolution.id) if resolution is not None else None)
