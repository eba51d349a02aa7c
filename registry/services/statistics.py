"""Statistical reports as files (issue 12 item 3): the date or period a user asked for, checked; the
report's workbook built as bytes with its audit event (the screen, the download and ``flask report``
share both)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from registry.excel.report_book import write_report_xlsx
from registry.models import Area
from registry.reports.statistics import NOT_RECORDED, REPORTS, Period, Report
from registry.reports.statistics.base import report_sheets
from registry.services import audit
from registry.services.errors import DomainError


@dataclass
class ReportFile:
    report: Report
    data: bytes
    filename: str


def report_spec(name: str):
    spec = REPORTS.get(name)
    if spec is None:
        raise DomainError("report.unknown", f"没有名为「{name}」的报表；可选：{'、'.join(REPORTS)}")
    return spec


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None or not str(text).strip():
        return None
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise DomainError("report.date_invalid", f"{what}「{text}」不是有效日期，请按 YYYY-MM-DD 填写") from None


def parse_period(start: str | None, end: str | None, *, today: dt.date, spec=None) -> Period:
    """``Period(end or today, start)``; refused: a date that is not YYYY-MM-DD, an end after today, a
    start after the end, and for a report of the register as it is now (``spec.current_only``) any
    date but today."""
    first, last = _date(start, "开始日期"), _date(end, "截止日期")
    last = last or today
    if spec is not None and spec.current_only and (last != today or first is not None):
        raise DomainError("report.current_only", f"「{spec.title}」只统计当前（今天）的登记情况，不能指定日期")
    if last > today:
        raise DomainError("report.date_future", f"截止日期 {last.isoformat()} 晚于今天，报表只统计已发生的情况")
    if first is not None and first > last:
        raise DomainError("report.period_order", f"开始日期 {first.isoformat()} 晚于截止日期 {last.isoformat()}")
    return Period(last, first)


def build_report(session: Session, name: str, area: Area, period: Period, *, cap: Decimal) -> Report:
    return report_spec(name).build(session, area, period, cap=cap)


def export_report(session: Session, name: str, area: Area, period: Period, *, actor, cap: Decimal) -> ReportFile:
    """The report's .xlsx (ID numbers masked) and an audit event ``export.report``."""
    report = build_report(session, name, area, period, cap=cap)
    data = write_report_xlsx(report.title_row, [] if report.empty else report_sheets(report), empty_text=NOT_RECORDED)
    audit.record(session, actor=actor, action="export.report", target_type="area", target_id=area.id,
                 area_code=area.code, report=name, period=report.period.text())
    filename = f"{report.title}_{area.name}_{report.period.end.isoformat()}.xlsx"
    return ReportFile(report, data, filename)
