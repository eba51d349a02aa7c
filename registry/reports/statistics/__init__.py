"""Statistical reports (issue 12 item 3): ``REPORTS[name]`` builds a :class:`~.base.Report` for an area and
a date or period, and ``drill`` gives the records behind one of its figures (item 2). Used by the screens
(registry/views/reports.py), the .xlsx (registry/excel/report_book.py) and ``flask report``."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.reports.statistics.base import NOT_RECORDED, Drill, Figure, Period, Report, Table
from registry.reports.statistics.changes import change_drill, change_report
from registry.reports.statistics.filing import filing_drill, filing_progress
from registry.reports.statistics.hukou import hukou_drill, hukou_report
from registry.reports.statistics.land import land_circulation, land_drill
from registry.reports.statistics.members import member_drill, member_statistics
from registry.reports.statistics.rights import (
    dividend_drill,
    dividend_report,
    homestead_drill,
    homestead_report,
    transfer_drill,
    transfer_report,
)

__all__ = ["REPORTS", "ReportSpec", "NOT_RECORDED", "Drill", "Figure", "Period", "Report", "Table"]


@dataclass(frozen=True)
class ReportSpec:
    title: str
    build: Callable[..., Report]
    drill: Callable[..., Drill | None]
    period: bool = False  # a report over a period (from–to) rather than as of a date
    current_only: bool = False  # counts the register as it is now: no past "as of" date


REPORTS: dict[str, ReportSpec] = {
    "members": ReportSpec("成员统计表", member_statistics, member_drill),
    "changes": ReportSpec("成员增减变动表", change_report, change_drill, period=True),
    "hukou": ReportSpec("户籍迁出保留成员身份人员及权益情况表", hukou_report, hukou_drill),
    "filing": ReportSpec("名册备案进度表", filing_progress, filing_drill, current_only=True),
    "land": ReportSpec("家庭承包耕地流转情况统计表", land_circulation, land_drill),
    "homesteads": ReportSpec("宅基地汇总表", homestead_report, homestead_drill, current_only=True),
    "transfers": ReportSpec("权益交易登记汇总表", transfer_report, transfer_drill, period=True),
    "dividends": ReportSpec("收益分配汇总表", dividend_report, dividend_drill, period=True),
}
