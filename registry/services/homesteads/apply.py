"""Plan and apply a homestead import: which rows create a record, change one (old → new) or leave it
as it is. A record is matched by its 宗地代码 among the village's current records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from registry.codes import HOMESTEAD_STATUS
from registry.excel.homesteads.columns import HOMESTEAD_COLUMNS
from registry.excel.roster.types import RowResult
from registry.models import Homestead, Organization

#: The stored fields a file row sets (besides the household).
FIELDS = ("certificate_no", "plot_area", "building_area", "location", "approved_on", "approval_doc", "status",
          "east", "south", "west", "north", "remarks")


@dataclass
class RowPlan:
    row: int
    kind: str  # "created", "updated", "unchanged"
    values: dict
    household_id: int
    record: Homestead | None = None
    fields: dict = field(default_factory=dict)  # key -> (old, new) for "updated"


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def changes(self) -> list[dict]:
        return [{"row": r.row, "plot_code": r.values["plot_code"], "fields": r.fields}
                for r in self.rows if r.kind == "updated"]


def plan_rows(results: list[RowResult], current: dict[str, Homestead],
              households: dict[str, tuple[int, set[str]]]) -> Plan:
    """The plan of the accepted ``results`` against the village's ``current`` records."""
    plan = Plan()
    for r in results:
        v = r.values
        household_id = households[v["household_no"]][0]
        record = current.get(v["plot_code"])
        if record is None:
            plan.rows.append(RowPlan(r.row, "created", v, household_id))
            continue
        changed = {k: (getattr(record, k), v[k]) for k in FIELDS if getattr(record, k) != v[k]}
        if record.household_id != household_id:
            changed["household_id"] = (record.household_id, household_id)
        kind = "updated" if changed else "unchanged"
        plan.rows.append(RowPlan(r.row, kind, v, household_id, record, changed))
    return plan


def apply_plan(session: Session, organization: Organization, plan: Plan, *, today: dt.date) -> None:
    """Write the plan. Records leaving 使用中 are written first, so the D-01 index never sees two plots
    of one household in use half-way."""
    first = [p for p in plan.rows if p.kind == "updated" and p.record.status == "in_use"
             and p.values["status"] != "in_use"]
    for p in first:
        _update(p)
    session.flush()
    for p in plan.rows:
        if p.kind == "updated" and p not in first:
            _update(p)
        elif p.kind == "created":
            v = p.values
            session.add(Homestead(organization_id=organization.id, household_id=p.household_id,
                                  plot_code=v["plot_code"], valid_from=v["approved_on"] or today,
                                  **{k: v[k] for k in FIELDS}))
    session.flush()


def _update(p: RowPlan) -> None:
    for key, (_old, new) in p.fields.items():
        setattr(p.record, key, new)


def preview_diff(plan: Plan, limit: int = 200) -> dict:
    """The preview's change set in the roster preview's shape (``templates/imports/_changes.html``):
    changed records ``{row, name: 宗地代码, fields: [(heading, old, new)]}``."""
    changed = []
    for c in plan.changes[:limit]:
        fields = [(_HEADINGS.get(k, k), _shown(k, old), _shown(k, new))
                  for k, (old, new) in c["fields"].items()]
        changed.append({"row": c["row"], "name": c["plot_code"], "fields": fields})
    return {"added": [], "ended": [], "changed": changed}


_HEADINGS = {**{c.key: c.heading for c in HOMESTEAD_COLUMNS}, "household_id": "户编号"}


def _shown(key: str, value) -> str:
    if value is None:
        return ""
    if key == "status":
        return HOMESTEAD_STATUS.label(value) or value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)
