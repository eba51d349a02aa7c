"""District exports: the filed roster of a village, town or district, and the summary workbook.

Exports are built as bytes apart from any response (DESIGN §4 step 7) and each writes an audit
event (who, which area, how many rows). The roster export uses the same headings as the import
(plus 村代码 for multi-village files), so it re-imports as "all unchanged"."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.codes import ACQUISITION_GROUND
from registry.excel.writer import write_roster_xlsx, write_table_xlsx
from registry.models import Area, Filing, FilingItem, Membership, Organization
from registry.models.filings import DISTRICT_FILED, TOWN_FILED
from registry.reports.roster.masking import BIRTH_YEAR_COLUMN, masked_rows
from registry.reports.roster.rows import ON_ROSTER, iter_roster_rows
from registry.reports.summary import GROUNDS, district_summary
from registry.services import audit

FILED_STATES = (TOWN_FILED, DISTRICT_FILED)


@dataclass
class ExportResult:
    data: bytes
    rows: int
    filename: str


def latest_filed_ids(session: Session, scope: str, *, complete_only: bool = False) -> list[int]:
    """Ids of the latest filed version of each organisation within ``scope`` (a code prefix).
    ``complete_only`` keeps only versions the district has recorded too (F-02)."""
    states = (DISTRICT_FILED,) if complete_only else FILED_STATES
    latest = (
        select(func.max(Filing.version_no).label("v"), Filing.organization_id)
        .where(Filing.area_code.startswith(scope), Filing.state.in_(states))
        .group_by(Filing.organization_id).subquery()
    )
    stmt = (select(Filing.id).join(latest, (latest.c.organization_id == Filing.organization_id)
                                   & (latest.c.v == Filing.version_no)).order_by(Filing.area_code))
    return list(session.scalars(stmt))


def filed_rows(session: Session, filing_ids: list[int], *, with_village_code: bool):
    """Yield the display rows of the given filings (members still on the roster), streamed: one
    indexed query per filing (items in roster order), so no sort over the whole district."""
    codes: dict[int, str] = {}
    for start in range(0, len(filing_ids), 900):
        chunk = filing_ids[start:start + 900]
        codes.update(session.execute(select(Filing.id, Filing.area_code).where(Filing.id.in_(chunk))).all())
    for fid in filing_ids:
        code = codes[fid]
        stmt = (select(FilingItem.data).where(FilingItem.filing_id == fid, FilingItem.change != "ended")
                .order_by(FilingItem.id).execution_options(yield_per=2000))
        for (data,) in session.connection().execute(stmt):  # Core rows: no ORM work per row
            if with_village_code:
                data["村代码"] = code  # a fresh dict decoded from JSON: ours to extend
            yield data


def current_rows(session: Session, scope: str, *, with_village_code: bool):
    """Yield the display rows of the current (not necessarily filed) rosters within ``scope``."""
    for _, row in iter_roster_rows(session, scope, with_village_code=with_village_code):
        yield row


def roster_export_size(session: Session, area: Area, *, filed_only: bool = True) -> int:
    """How many rows :func:`export_roster` would write (one COUNT; decides whether it runs as a job)."""
    if filed_only:
        ids = latest_filed_ids(session, area.scope_prefix)
        return sum(session.scalar(select(func.count()).select_from(FilingItem).where(
            FilingItem.filing_id.in_(ids[start:start + 900]), FilingItem.change != "ended")) or 0
            for start in range(0, len(ids), 900))
    return session.scalar(
        select(func.count()).select_from(Membership).join(Organization, Organization.id == Membership.organization_id)
        .where(Organization.area_code.startswith(area.scope_prefix), Membership.status.in_(ON_ROSTER))) or 0


#: ``progress(rows written so far)``, called every :data:`PROGRESS_EVERY` rows (background export jobs).
RowProgress = Callable[[int], None]
PROGRESS_EVERY = 1000


def export_roster(session: Session, area: Area, *, actor, filed_only: bool = True,
                  mask_ids: bool = False, progress: RowProgress | None = None) -> ExportResult:
    """The roster of ``area`` (village, town or district) as .xlsx bytes. Multi-village exports
    carry a 村代码 column. ``mask_ids``: ID numbers as first 6 + last 4 and the year of birth instead of
    the date (for roles that do not need the full number, ``registry.permissions.exports_full_ids``;
    ``registry.reports.roster.masking``; such a file does not re-import).
    Writes an audit event ``export.roster`` (who, area, rows, whether masked)."""
    scope = area.scope_prefix
    multi = area.level != "village"
    if filed_only:
        ids = latest_filed_ids(session, scope)
        rows = filed_rows(session, ids, with_village_code=multi)
    else:
        rows = current_rows(session, scope, with_village_code=multi)
    if mask_ids:
        rows = masked_rows(rows)
    counter = _Counter(rows, progress)
    title = f"{area.full_name or area.name}{'已备案' if filed_only else ''}成员名册"
    data = write_roster_xlsx(counter, title=title, village_code=multi, replace=MASKED_COLUMNS if mask_ids else None)
    audit.record(session, actor=actor, action="export.roster", target_type="area", target_id=area.id,
                 area_code=area.code, rows=counter.count, filed_only=filed_only, masked=mask_ids)
    session.flush()
    kind = "已备案成员名册" if filed_only else "成员名册"
    return ExportResult(data, counter.count, f"{area.name}{kind}_{area.code}{masked_suffix(mask_ids)}.xlsx")


#: Columns a masked roster export writes differently: 出生年份 instead of 出生日期 (issue 10 item 4).
MASKED_COLUMNS = {BIRTH_YEAR_COLUMN.key: BIRTH_YEAR_COLUMN}


def masked_suffix(mask_ids: bool) -> str:
    """The file-name mark of a masked export (such a file does not re-import)."""
    return "_证件号已脱敏" if mask_ids else ""


def export_summary(session: Session, area: Area, *, actor) -> ExportResult:
    """The summary workbook (by town, by village) of ``area`` as .xlsx bytes."""
    summary = district_summary(session, area.scope_prefix)
    ground_heads = [ACQUISITION_GROUND.labels[g] for g in GROUNDS]
    heads = ["区划代码", "名称", "户数", "成员数", "男", "女", *ground_heads, "户籍不在本村的成员",
             "待确认人员", "待乡镇审核备案", "待区级备案"]

    def line(r, *prefix):
        return [*prefix, r.code, r.name, r.households, r.members, r.male, r.female,
                *[r.by_ground.get(g, 0) for g in GROUNDS], r.hukou_outside, r.pending_candidates,
                r.filings_at_town, r.filings_at_district]

    towns = [line(t) for t in summary.towns] + [line(summary.total)]
    villages = [line(v, v.town_name) for v in summary.villages]
    data = write_table_xlsx({
        "按镇街汇总": (heads, towns),
        "按村汇总": (["镇街", *heads], villages),
    })
    audit.record(session, actor=actor, action="export.summary", target_type="area", target_id=area.id,
                 area_code=area.code, rows=len(summary.villages))
    session.flush()
    return ExportResult(data, len(summary.villages), f"{area.name}成员汇总表_{area.code}.xlsx")


class _Counter:
    """Wraps an iterator and counts what passed through (the export streams its rows)."""

    def __init__(self, it, progress: RowProgress | None = None):
        self.it, self.count, self.progress = iter(it), 0, progress

    def __iter__(self):
        progress = self.progress
        for item in self.it:
            self.count += 1
            if progress is not None and not self.count % PROGRESS_EVERY:
                progress(self.count)
            yield item
