"""Town or district roster import (issue 5, ``import-roster FILE --area CODE``).

Reform-era rosters often exist as one workbook for a whole town or the district, with a 12-digit
村代码 on every row. The file is read and validated once (the same row codes as a village import;
households are numbered per village, so 0001 of two villages are two households), then every
village's rows go through the same checks, plan and apply as a village import (DESIGN §4), all in
the caller's one transaction: all or nothing over the whole file by default, or with ``partial`` every
household with an error row left out.

Row codes added here (column 村代码):
``village.missing`` — the row has no 村代码;
``village.unknown`` — the code is inside the area but no collective economic organisation is registered
for it;
``village.outside`` — the code is outside the area being imported.
File code ``roster.locked`` names the villages whose roster is under town review (F-09).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.roster.validate import Issue
from registry.models import Area, Membership, Organization
from registry.models.filings import Filing
from registry.services.filing import filings
from registry.services.roster.apply import plan_rows
from registry.services.roster.checks import (
    check_other_villages,
    check_village_codes,
    current_households,
    households_to_leave_out,
)
from registry.services.roster.endings import check_endings, not_in_file
from registry.services.roster.importer import (
    LOCKED_STATES,
    ImportReport,
    Progress,
    _file_issue,
    _issue,
    _row_issue,
    apply_village,
    read_checked,
    refuse,
)
from registry.services.roster.preview import LIMIT, preview_diff

_SHOW = 10


def import_area_roster(session: Session, data: bytes, area: Area, *, actor, filename: str | None = None,
                       dry_run: bool = False, partial: bool = False, today: dt.date | None = None,
                       max_rows: int | None = None, max_columns: int | None = None,
                       max_uncompressed: int | None = None, progress: Progress | None = None) -> ImportReport:
    """Import a multi-village roster workbook (.xlsx/.xls/.ods bytes) into the villages of ``area``
    (a town or the district; a village area works too) named by each row's 村代码.

    Returns an :class:`~registry.services.roster.importer.ImportReport` whose ``villages`` is the number
    of villages with rows in the file and whose ``skipped_households`` read ``村代码/户编号``. Nothing is
    written when ``dry_run`` is set, the file is refused, or any row has an error and ``partial`` is
    False. Flushes, never commits; a unique constraint failing at write time is the file error
    ``roster.conflict`` (everything is rolled back to before the import). ``progress`` (see
    :data:`~registry.services.roster.importer.Progress`) hears of rows read and of villages planned/written."""
    report = ImportReport(dry_run=dry_run, villages=0)
    today = today or local_today()
    results = read_checked(data, filename, report, today=today, max_rows=max_rows, max_columns=max_columns,
                           max_uncompressed=max_uncompressed, progress=progress)
    if results is None:
        return report

    if all(r.values.get("village_code") is None for r in results):
        report.file_error = True
        report.errors.append(_file_issue(
            "file.missing_column", "表格缺少必填列：村代码（全镇或全区的名册须在每一行填写 12 位村代码）"))
        return report

    prefix = area.scope_prefix
    orgs, names = {}, {}
    for org, name in session.execute(select(Organization, Area.name).join(Area, Area.id == Organization.area_id)
                                     .where(Organization.area_code.startswith(prefix, autoescape=True))):
        orgs[org.area_code], names[org.area_code] = org, f"{name}（{org.area_code}）"

    by_village: dict[str, list] = defaultdict(list)
    for r in results:
        code = r.values.get("village_code")
        if code is None:
            if not any(i.code == "village.invalid" for i in r.errors):
                r.errors.append(Issue(r.row, "村代码", "village.missing",
                                      "村代码为空：全镇或全区的名册须在每一行填写 12 位村代码"))
        elif code not in orgs:
            if code.startswith(prefix):
                r.errors.append(Issue(r.row, "村代码", "village.unknown",
                                      f"村代码“{code}”没有登记的村集体经济组织，请核对代码"))
            else:
                r.errors.append(Issue(r.row, "村代码", "village.outside",
                                      f"村代码“{code}”不在{area.name}（{area.code}）范围内"))
        else:
            by_village[code].append(r)
            continue
        # A row that belongs to no village of the area is not part of any of its households: the
        # household rules (M-25) are not reported on it, only the 村代码 error.
        r.errors = [i for i in r.errors if i.code not in ("household.no_head", "household.multiple_heads")]
    report.villages = len(by_village)
    villages = [orgs[code] for code in sorted(by_village)]

    if not dry_run and villages:  # one importer per village at a time (as the village import)
        session.execute(select(Organization.id).where(Organization.id.in_([o.id for o in villages]))
                        .order_by(Organization.id).with_for_update())
    locked = _locked(session, villages)
    if locked:
        shown = "、".join(names[code] for code in locked[:_SHOW]) + (f" 等 {len(locked)} 个村" if len(locked) > _SHOW
                                                                    else "")
        if not partial:
            report.file_error = True
            report.errors.append(_file_issue(
                "roster.locked", f"以下村的名册正在乡镇审核中，审核完成或退回前不能导入：{shown}"))
            return report
        # "Households without errors": the villages under review are left out whole (F-09).
        report.errors.append(_file_issue(
            "roster.locked", f"以下村的名册正在乡镇审核中，本次不导入这些村（审核完成或退回后再导入）：{shown}"))
        for code in locked:
            report.skipped_households.extend(sorted({f"{code}/{r.values['household_no']}"
                                                     for r in by_village.pop(code) if r.values.get("household_no")}))
        villages = [org for org in villages if org.area_code in by_village]

    endings = {}
    for org in villages:
        rows = by_village[org.area_code]
        check_village_codes(rows, org)
        check_other_villages(session, rows, org)
        endings[org.id] = check_endings(session, rows, org, today=today, actor=actor)
    for r in results:
        report.errors.extend(_issue(i) for i in r.errors)
        report.warnings.extend(_issue(i) for i in r.warnings)

    # Plan village by village; when writing, each village's plan is applied before the next is made
    # (one plan in memory at a time), inside one savepoint: any failure undoes the whole file.
    writing = not dry_run and (partial or not report.errors)
    savepoint = session.begin_nested() if writing else None
    missing: list[tuple[str, int]] = []
    headless: list[str] = []
    try:
        for done, org in enumerate(villages, start=1):
            headless += _village(session, org, by_village[org.area_code], endings[org.id], report, missing,
                                 name=names[org.area_code], partial=partial, writing=writing, actor=actor,
                                 filename=filename, today=today)
            if progress is not None:
                progress("write" if writing else "check", done, len(villages))
    except IntegrityError:
        return refuse(savepoint, report, "roster.conflict")
    # Rows with an error outside any village (村代码 missing, unknown or outside) are skipped too.
    report.skipped_rows = report.rows_read - report.rows_to_import
    if missing:
        total = sum(n for _, n in missing)
        shown = "、".join(f"{name} {n} 人" for name, n in missing[:_SHOW])
        report.warnings.append(_file_issue(
            "roster.not_in_file",
            f"{len(missing)} 个村的名册中共有 {total} 名成员不在本文件中"
            f"（{shown}{'等' if len(missing) > _SHOW else ''}），"
            "导入不改变他们的成员身份；丧失成员身份须填写“成员状态 已丧失”和“丧失原因”，或在成员页面办理（M-09）"))
    if savepoint is None:
        return report
    if headless:
        return refuse(savepoint, report, "household.no_head", headless)
    savepoint.commit()
    return report


def _village(session: Session, org: Organization, rows: list, endings: dict, report: ImportReport,
             missing: list, *, name: str, partial: bool, writing: bool, actor, filename, today) -> list[str]:
    """Plan one village's rows (counts and warnings into ``report``) and, when ``writing``, apply
    them. Returns the village's households left without exactly one head (``村代码/户编号``)."""
    file_ids = {r.values["id_number"] for r in rows if r.values.get("id_number")}
    if partial:
        current = current_households(session, org, file_ids)
        left_out = households_to_leave_out(rows, current)
        accepted = [r for r in rows if not r.errors and r.values.get("household_no") not in left_out
                    and current.get(r.values.get("id_number")) not in left_out]
        skipped = [f"{org.area_code}/{h}" for h in sorted(left_out)]
        report.skipped_households.extend(skipped)
    else:
        accepted = rows if not report.errors else []
        skipped = []
    planned = accepted if accepted else [r for r in rows if not r.errors]
    plan = plan_rows(session, org, [(r.row, r.values) for r in planned], endings)
    report.created += plan.created
    report.updated += plan.updated
    report.unchanged += plan.unchanged
    report.ended += len(plan.ended)
    report.households += plan.household_count
    report.rows_to_import += len(accepted)
    report.warnings.extend(_row_issue(row, *w) for row, w in plan.warnings)
    diff = preview_diff(plan, rows)
    for key, items in diff.items():  # the preview's change lists, over all villages (LIMIT rows each)
        shown = report.diff.setdefault(key, [])
        shown.extend(items[:LIMIT - len(shown)])
    count, _names = not_in_file(session, org, file_ids)
    if count:
        missing.append((name, count))
    changes = bool(plan.created or plan.updated or plan.ended)
    renotice = changes and filings.notice_would_be_voided(filings.open_filing(session, org.id))
    if renotice:
        report.warnings.append(_file_issue(
            "filing.renotice", f"{name}的名册已公示，本次导入会改变名册：导入后原公示作废，须重新公示（F-04）"))
    if not (writing and accepted):
        return []
    # The first import of a village enters its roster as it stands (as the village import).
    first_roster = not session.scalar(select(Membership.id).where(Membership.organization_id == org.id).limit(1))
    return [f"{org.area_code}/{h}" for h in apply_village(
        session, org, plan, report, actor=actor, filename=filename, renotice=renotice, changes=changes,
        first_roster=first_roster, today=today, rows_read=len(accepted), skipped=skipped)]


def _locked(session: Session, villages: list[Organization]) -> list[str]:
    ids = [o.id for o in villages]
    names = {o.id: o.area_code for o in villages}
    found = set()
    for i in range(0, len(ids), 900):
        found.update(session.scalars(select(Filing.organization_id).where(
            Filing.organization_id.in_(ids[i:i + 900]), Filing.state.in_(LOCKED_STATES))))
    return sorted(names[i] for i in found)
