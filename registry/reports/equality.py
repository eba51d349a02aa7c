"""W-07: confirmations, rejections and losses of membership by sex and reason, per organisation, town
and district (read-only; the view renders it, ``w07_sheets`` shapes it for the .xlsx).

- confirmation: a membership confirmed (``confirmed_at`` set, whatever its status now), reason = the
  acquisition ground (§2.4), dated by ``confirmed_at``;
- rejection: status 不予确认, reason = the written reason (M-04), dated by its resolution's meeting;
- loss: a membership ended (``loss_ground`` set: lost or withdrawn), reason = the loss ground (§2.5),
  dated by ``lost_at``.
``start``/``end`` (inclusive, optional) filter by those dates."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.codes import ACQUISITION_GROUND, LOSS_GROUND
from registry.models import Area, Membership, Organization, Person, Resolution

KINDS = {"confirmation": "确认", "rejection": "不予确认", "loss": "丧失"}
SEXES = ("1", "2")  # GB/T 2261.1: male, female; anything else counts as 未说明
HEADINGS = ("层级", "区划代码", "名称", "类别", "原因", "男", "女", "未说明", "合计")


@dataclass(frozen=True)
class Line:
    level: str  # 组织 / 镇 / 区
    code: str
    name: str
    kind: str
    reason: str
    male: int
    female: int
    other: int

    @property
    def total(self) -> int:
        return self.male + self.female + self.other

    def cells(self) -> tuple:
        return (self.level, self.code, self.name, KINDS[self.kind], self.reason, self.male, self.female,
                self.other, self.total)


def _between(column, start: dt.date | None, end: dt.date | None) -> list:
    out = []
    if start is not None:
        out.append(column >= start)
    if end is not None:
        out.append(column <= end)
    return out


def _counts(session: Session, prefix: str, start, end) -> Counter:
    """``{(org code, kind, reason, sex): n}`` within the division-code prefix."""
    base = (select(Organization.area_code, Person.sex, func.count()).select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Organization.area_code.startswith(prefix)))
    queries = {
        "confirmation": (Membership.acquisition_ground,
                         base.add_columns(Membership.acquisition_ground).where(
                             Membership.confirmed_at.is_not(None), *_between(Membership.confirmed_at, start, end))),
        "rejection": (Membership.rejection_reason,
                      base.add_columns(Membership.rejection_reason)
                      .outerjoin(Resolution, Resolution.id == Membership.resolution_id)
                      .where(Membership.status == "rejected", *_between(Resolution.meeting_date, start, end))),
        "loss": (Membership.loss_ground,
                 base.add_columns(Membership.loss_ground).where(
                     Membership.loss_ground.is_not(None), *_between(Membership.lost_at, start, end))),
    }
    labels = {"confirmation": ACQUISITION_GROUND.label, "loss": LOSS_GROUND.label,
              "rejection": lambda text: (text or "").strip()[:100]}
    out: Counter = Counter()
    for kind, (reason_col, stmt) in queries.items():
        for code, sex, n, reason in session.execute(stmt.group_by(Organization.area_code, Person.sex, reason_col)):
            label = labels[kind](reason) if reason else "未填写"
            out[(code, kind, label or str(reason), sex if sex in SEXES else "")] += n
    return out


def _lines(level: str, names: dict[str, str], counts: Counter) -> list[Line]:
    grouped: dict[tuple, Counter] = {}
    for (code, kind, reason, sex), n in counts.items():
        grouped.setdefault((code, kind, reason), Counter())[sex] += n
    order = list(KINDS)
    return [Line(level, code, names.get(code, code), kind, reason, c["1"], c["2"], c[""])
            for (code, kind, reason), c in sorted(grouped.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]),
                                                                                     kv[0][2]))]


def w07_report(session: Session, area: Area, *, start: dt.date | None = None,
               end: dt.date | None = None) -> dict[str, list[Line]]:
    """``{"organisations": [...], "towns": [...], "district": [...]}`` for ``area`` (a village gives
    its organisation only; a town its villages and itself; the district all three levels)."""
    prefix = area.scope_prefix
    counts = _counts(session, prefix, start, end)
    names = dict(session.execute(select(Organization.area_code, Organization.name)
                                 .where(Organization.area_code.startswith(prefix))).all())
    out = {"organisations": _lines("组织", names, counts), "towns": [], "district": []}
    if area.level in ("town", "district"):
        town_names = dict(session.execute(select(Area.code, Area.name).where(Area.level == "town",
                                                                             Area.code.startswith(prefix))).all())
        towns: Counter = Counter()
        for (code, kind, reason, sex), n in counts.items():
            towns[(code[:9] + "000", kind, reason, sex)] += n
        out["towns"] = _lines("镇", town_names, towns)
    if area.level == "district":
        total: Counter = Counter()
        for (_code, kind, reason, sex), n in counts.items():
            total[(area.code, kind, reason, sex)] += n
        out["district"] = _lines("区", {area.code: area.name}, total)
    return out


def w07_sheets(report: dict[str, list[Line]]) -> dict[str, tuple]:
    """The report as ``write_table_xlsx`` sheets."""
    titles = {"organisations": "按集体经济组织", "towns": "按镇", "district": "全区"}
    return {titles[k]: (HEADINGS, [line.cells() for line in lines]) for k, lines in report.items() if lines
            or k == "organisations"}
