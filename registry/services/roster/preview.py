"""The import preview's change set (issue 3 step 7): which rows would add members, end memberships
(已丧失 rows) and change which fields (old → new, by roster heading). Built from the import plan;
the values are shown as on the roster (code labels, ISO dates)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from registry.codes import (
    ACQUISITION_GROUND,
    ID_TYPE,
    LOSS_GROUND,
    MEMBER_REMARK,
    MEMBER_STATUS,
    RELATION,
    SEX,
)
from registry.excel.normalise import format_decimal

LIMIT = 200  # rows listed per section; the counts are complete

_HEADINGS = {
    "name": "成员姓名", "sex": "性别", "birth_date": "出生日期", "phone": "联系电话", "id_type": "证件类型",
    "id_number_legacy": "证件号码（15位）", "status": "成员状态", "acquisition_ground": "取得方式",
    "acquired_at": "取得日期", "remark": "成员备注", "group_code": "组", "population_shares": "人口股",
    "farm_age_shares": "农龄股", "total_shares": "股份合计", "notes": "备注",
    "declared_no_other_membership": "声明无其他成员身份",
}
_TABLES = {"sex": SEX, "id_type": ID_TYPE, "status": MEMBER_STATUS, "acquisition_ground": ACQUISITION_GROUND,
           "remark": MEMBER_REMARK}


def shown(value, table=None) -> str:
    if value is None or value == "":
        return ""
    if table is not None:
        return table.label(value) or str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def field_changes(fields: dict) -> list[tuple[str, str, str]]:
    """``[(heading, old, new)]`` for one row of ``Plan.changes``."""
    out = []
    for key, (old, new) in fields.items():
        if key == "hukou":
            old = old or [None, None]
            for i, heading in enumerate(("户籍所在地", "是否本村户籍")):
                if old[i] != new[i]:
                    out.append((heading, shown(old[i]), shown(new[i])))
        elif key == "household":
            old = old or [None, None]
            if old[0] != new[0]:
                out.append(("户编号", shown(old[0]), shown(new[0])))
            if old[1] != new[1]:
                out.append(("与户主关系", shown(old[1], RELATION), shown(new[1], RELATION)))
        else:
            table = _TABLES.get(key)
            out.append((_HEADINGS.get(key, key), shown(old, table), shown(new, table)))
    return out


def preview_diff(plan, results) -> dict:
    """``{"added": [...], "ended": [...], "changed": [...]}`` (each at most :data:`LIMIT` rows):
    added ``{row, name, household, ground, status}``, ended ``{row, name, ground, date, basis}``,
    changed ``{row, name, fields: [(heading, old, new)]}``."""
    values = {r.row: r.values for r in results}
    added, ended, changed = [], [], []
    for rp in plan.rows:
        v = rp.values
        if rp.kind == "created":
            if rp.loss:
                ended.append({"row": rp.row, "name": v["name"], "ground": shown(rp.loss["loss_ground"], LOSS_GROUND),
                              "date": shown(rp.loss["lost_at"]), "basis": v.get("loss_basis") or "",
                              "history": True})
            elif len(added) < LIMIT:  # the counts are the plan's; only the rows shown are built
                added.append({"row": rp.row, "name": v["name"], "household": v["household_no"],
                              "ground": shown(v.get("acquisition_ground"), ACQUISITION_GROUND),
                              "status": shown(rp.membership["status"], MEMBER_STATUS)})
    for e in plan.ended:
        ended.append({"row": e.row, "name": values[e.row]["name"],
                      "ground": shown(e.values["loss_ground"], LOSS_GROUND), "date": shown(e.values["lost_at"]),
                      "basis": values[e.row].get("loss_basis") or "", "history": False})
    for c in plan.changes[:LIMIT]:
        changed.append({"row": c["row"], "name": values.get(c["row"], {}).get("name", ""),
                        "fields": field_changes(c["fields"])})
    ended.sort(key=lambda e: e["row"])
    return {"added": added[:LIMIT], "ended": ended[:LIMIT], "changed": changed[:LIMIT]}
