"""Homestead summary by village, town and district (SQL aggregation, no HTML): homesteads by status,
plots over the D-02 cap, and households with the qualification right (D-12: an active member) that hold
no homestead in use. ``homestead_summary`` is what the village rights overview can call."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.codes import HOMESTEAD_STATUS
from registry.models import Area, Homestead, Household, Organization
from registry.models.homesteads import HOMESTEAD_STATUSES
from registry.services.homesteads.register import active_member_clause, in_use_clause

#: Division-code prefix length of a village (12) and of a town (9) — the grouping keys.
VILLAGE_KEY, TOWN_KEY = 12, 9


@dataclass
class HomesteadSummary:
    """Counts of one village, town or total. ``by_status``: current records per status code."""

    code: str
    name: str = ""
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HOMESTEAD_STATUSES, 0))
    plot_area: Decimal = Decimal("0.00")  # m² of the plots in use
    over_cap: int = 0
    qualified_without_homestead: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def labelled(self) -> list[tuple[str, int]]:
        return [(HOMESTEAD_STATUS.label(code), n) for code, n in self.by_status.items()]


def homestead_summary(session: Session, scope: str, *, by: int = VILLAGE_KEY, cap: Decimal = Decimal(132)
                      ) -> tuple[list[HomesteadSummary], HomesteadSummary]:
    """``(rows, total)`` for the organisations whose division code starts with ``scope``; one row per
    village (``by=12``) or per town (``by=9``), each computed by grouped SQL (no per-household Python)."""
    key = func.substr(Organization.area_code, 1, by)
    rows: dict[str, HomesteadSummary] = {}

    def row(code: str) -> HomesteadSummary:
        return rows.setdefault(code, HomesteadSummary(code))

    current = (Homestead.valid_to.is_(None), Organization.area_code.startswith(scope))
    stmt = (select(key, Homestead.status, func.count(), func.sum(Homestead.plot_area),
                   func.sum((Homestead.plot_area > cap).cast(Homestead.id.type)))
            .join(Organization, Organization.id == Homestead.organization_id)
            .where(*current).group_by(key, Homestead.status))
    for code, status, n, area, over in session.execute(stmt):
        r = row(code)
        r.by_status[status] = n
        if status == "in_use":
            r.plot_area = Decimal(area or 0).quantize(Decimal("0.01"))
            r.over_cap = int(over or 0)
    stmt = (select(key, func.count(Household.id))
            .join(Organization, Organization.id == Household.organization_id)
            .where(Organization.area_code.startswith(scope), active_member_clause(), ~in_use_clause())
            .group_by(key))
    for code, n in session.execute(stmt):
        row(code).qualified_without_homestead = n
    names = _names(session, [c.ljust(12, "0") for c in rows])
    total = HomesteadSummary(scope, "合计")
    for code, r in rows.items():
        r.name = names.get(code.ljust(12, "0"), code)
        for status, n in r.by_status.items():
            total.by_status[status] += n
        total.plot_area += r.plot_area
        total.over_cap += r.over_cap
        total.qualified_without_homestead += r.qualified_without_homestead
    return sorted(rows.values(), key=lambda r: r.code), total


def _names(session: Session, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())
