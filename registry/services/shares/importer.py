"""Share register import (股权台账, samples RIGHTS.md): read → check → plan against the roster and the
current holdings → apply in one transaction. One service behind the web upload and ``flask import-shares``;
the report is the roster import's (:class:`registry.services.roster.importer.ImportReport`, same JSON).

Row codes: those of ``registry.excel.shares.validate`` plus ``household.unknown`` (the 户编号 is not on
the roster, or the ID is not a current member of that household), ``duplicate.in_file`` (a household twice),
``shares.cap_exceeded`` (S-10) and, for a collective with dynamic management, ``shares.needs_resolution``
(a change of a held household's units is an adjustment event with its resolution, S-04/S-05: not an import).
Warning ``shares.roster_mismatch`` (the units differ from the roster's per-person sums). Holdings are per
household (the register's holder unit); each row writes a 人口股 and a 农龄股 holding and the certificate.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.excel.normalise import format_decimal
from registry.excel.reader import FileError, read_table
from registry.excel.shares.columns import SHARES, SHEET_NAMES
from registry.excel.shares.validate import issue, validate_shares
from registry.models import Organization
from registry.models.shares import ShareCertificate, ShareHolding
from registry.services import audit
from registry.services.roster.importer import ImportReport
from registry.services.shares.holders import RosterHousehold, roster_households
from registry.services.shares.settings import DYNAMIC, share_settings

TYPES = ("population", "farm_age")


@dataclass
class RowPlan:
    row: int
    household: RosterHousehold
    values: dict
    kind: str  # created / updated / unchanged (units, 股权证号 and 发证日期 all as registered)
    current: dict  # share type -> ShareHolding
    certificate: ShareCertificate | None  # the household's valid certificate


def _as_dict(i) -> dict:
    return {"row": i.row, "column": i.column, "code": i.code, "message": i.message_zh}


def _file_issue(code: str, message: str) -> dict:
    return {"row": None, "column": None, "code": code, "message": message}


def current_holdings(session: Session, organization_id: int) -> dict[int, dict[str, ShareHolding]]:
    """``{household id: {share type: open holding}}`` of the village's household holders."""
    out: dict[int, dict[str, ShareHolding]] = {}
    for h in session.scalars(select(ShareHolding).where(ShareHolding.organization_id == organization_id,
                                                        ShareHolding.valid_to.is_(None),
                                                        ShareHolding.household_id.is_not(None))):
        out.setdefault(h.household_id, {})[h.share_type] = h
    return out


def valid_certificates(session: Session, organization_id: int) -> dict[int, ShareCertificate]:
    return {c.household_id: c for c in session.scalars(select(ShareCertificate).where(
        ShareCertificate.organization_id == organization_id, ShareCertificate.household_id.is_not(None),
        ShareCertificate.status.in_(("issued", "reissued"))))}


def import_shares(session: Session, data: bytes, organization: Organization, *, actor,
                  filename: str | None = None, dry_run: bool = False, partial: bool = False,
                  today: dt.date | None = None, max_rows: int | None = None, max_columns: int | None = None,
                  max_uncompressed: int | None = None) -> ImportReport:
    """Import a village's share register (.xlsx/.xls/.ods bytes). Nothing is written on a dry run, a file
    error, or any row error unless ``partial`` (then the error rows' households are left out). Flushes,
    never commits."""
    report = ImportReport(dry_run=dry_run)
    today = today or local_today()
    if not dry_run:
        session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    try:
        limits = {k: v for k, v in (("max_columns", max_columns), ("max_uncompressed", max_uncompressed))
                  if v}
        sheet = read_table(data, SHARES, filename, names=SHEET_NAMES, max_rows=max_rows, **limits)
        results = validate_shares(sheet.rows(), today=today)
    except FileError as exc:
        report.file_error = True
        report.errors.append(_file_issue(exc.code, exc.message))
        return report
    report.rows_read = len(results)
    if not results:
        report.file_error = True
        report.errors.append(_file_issue("file.empty", "文件中没有股权数据行"))
        return report
    settings = share_settings(session, organization.id, today)
    roster = roster_households(session, organization.id)
    held = current_holdings(session, organization.id)
    certificates = valid_certificates(session, organization.id)
    plans = _plan(results, roster, held, certificates, dynamic=settings.management == DYNAMIC)
    _check_cap(results, plans, held, roster, settings.holding_cap_percent)
    for r in results:
        report.errors.extend(_as_dict(i) for i in r.errors)
        report.warnings.extend(_as_dict(i) for i in r.warnings)
    good = [plans[r.row] for r in results if not r.errors]
    if partial:
        report.skipped_households = sorted({r.values["household_no"] or f"第{r.row}行" for r in results
                                            if r.errors})
        accepted = good
        report.skipped_rows = len(results) - len(accepted)
    else:
        accepted = good if not report.errors else []
    report.rows_to_import = len(accepted)
    for p in good:
        setattr(report, p.kind, getattr(report, p.kind) + 1)
    report.households = len(good)
    if dry_run or not accepted:
        return report
    for p in accepted:
        _apply(session, organization, p, actor=actor, filename=filename, today=today)
    report.committed = True
    audit.record(session, actor=actor, action="shares.import", target_type="organization",
                 target_id=organization.id, area_code=organization.area_code, filename=filename,
                 rows=report.rows_read, created=report.created, updated=report.updated,
                 unchanged=report.unchanged, skipped_households=report.skipped_households)
    session.flush()
    return report


def _plan(results, roster: dict[str, RosterHousehold], held, certificates, *,
          dynamic: bool) -> dict[int, RowPlan]:
    plans: dict[int, RowPlan] = {}
    seen: dict[str, int] = {}
    for r in results:
        if r.errors:
            continue
        v = r.values
        household = roster.get(v["household_no"])
        if household is None or (v["id_number"] and v["id_number"] not in household.member_ids):
            r.errors.append(issue(r.row, "household_no", "household.unknown", v["household_no"]))
            continue
        if household.number in seen:
            r.errors.append(issue(r.row, "household_no", "duplicate.in_file", household.number,
                                  f"第 {seen[household.number]} 行"))
            continue
        seen[household.number] = r.row
        ours = (household.population, household.farm_age, household.total)
        if (v["population"], v["farm_age"], v["total"]) != ours:
            theirs = "/".join(format_decimal(v[k]) for k in ("population", "farm_age", "total"))
            r.warnings.append(issue(r.row, "total", "shares.roster_mismatch", theirs,
                                    "/".join(format_decimal(x) for x in ours), level="warning"))
        current = held.get(household.id, {})
        certificate = certificates.get(household.id)
        same_units = (set(current) == set(TYPES)
                      and all(current[t].units == v[t] for t in TYPES))
        same_cert = (not v["certificate_no"]) or (certificate is not None
                                                  and certificate.number == v["certificate_no"]
                                                  and (not v["issued_on"] or certificate.issued_on == v["issued_on"]))
        kind = "created" if not current else ("unchanged" if same_units and same_cert else "updated")
        if dynamic and current and not same_units:
            r.errors.append(issue(r.row, "total", "shares.needs_resolution", household.number))
            continue
        plans[r.row] = RowPlan(r.row, household, v, kind, current, certificate)
    return plans


def _check_cap(results, plans: dict[int, RowPlan], held, roster, cap_percent: Decimal) -> None:
    """S-10: no household holds more than ``cap_percent`` % of the village's units after the import. The
    village's units: per household the file's units, else its registered units, else the roster's sum."""
    planned = {p.household.id: p.values["total"] for p in plans.values()}
    registered = {hid: sum((h.units for h in types.values()), Decimal(0)) for hid, types in held.items()}
    total = sum(planned.values(), Decimal(0)) + sum(
        (v for hid, v in registered.items() if hid not in planned), Decimal(0)) + sum(
        (h.total for h in roster.values() if h.id not in planned and h.id not in registered), Decimal(0))
    if total <= 0:
        return
    limit = total * cap_percent / 100
    for r in results:
        p = plans.get(r.row)
        if p is not None and not r.errors and p.values["total"] > limit:
            r.errors.append(issue(r.row, "total", "shares.cap_exceeded", format_decimal(p.values["total"]),
                                  f"{format_decimal(cap_percent)}%"))
            del plans[r.row]


def _apply(session: Session, organization: Organization, p: RowPlan, *, actor, filename, today) -> None:
    if p.kind == "unchanged":
        return
    v, ground = p.values, f"股权台账导入：{filename or '文件'}"
    start = v["issued_on"] if p.kind == "created" and v["issued_on"] else today
    for share_type in TYPES:
        old = p.current.get(share_type)
        if old is not None and old.units == v[share_type]:
            continue
        if old is not None:
            old.valid_to, old.end_ground = max(today, old.valid_from), ground
        session.add(ShareHolding(organization_id=organization.id, area_code=organization.area_code,
                                 household_id=p.household.id, share_type=share_type, units=v[share_type],
                                 valid_from=start, event="quantification", ground=ground,
                                 created_by_id=getattr(actor, "id", None)))
    number = v["certificate_no"]
    old_issued_on = p.certificate.issued_on if p.certificate is not None else None
    if number and p.certificate is not None and p.certificate.number == number and v["issued_on"]:
        p.certificate.issued_on = v["issued_on"]  # a corrected 发证日期 of the same certificate
    elif number and (p.certificate is None or p.certificate.number != number):
        new = ShareCertificate(organization_id=organization.id, area_code=organization.area_code,
                               number=number, household_id=p.household.id, issued_on=v["issued_on"] or today,
                               status="issued", created_by_id=getattr(actor, "id", None))
        session.add(new)
        if p.certificate is not None:
            session.flush()
            p.certificate.status, p.certificate.ended_on = "replaced", today
            p.certificate.reason, p.certificate.replaced_by_id = ground, new.id
    audit.record(session, actor=actor, action=f"shares.{p.kind}", target_type="household",
                 target_id=p.household.id, area_code=organization.area_code, household=p.household.number,
                 units={t: v[t] for t in TYPES},
                 old={**{t: h.units for t, h in p.current.items()},
                      "certificate": p.certificate.number if p.certificate is not None else None,
                      "issued_on": old_issued_on.isoformat() if old_issued_on else None},
                 certificate=number, issued_on=v["issued_on"].isoformat() if v["issued_on"] else None)
