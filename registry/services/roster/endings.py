"""Endings by roster import (issue 3 step 7).

A row with 成员状态 已丧失 carries a lawful 丧失原因 and a 丧失日期 (checked by the validator,
``value.unknown`` otherwise); 丧失依据 is the charter article (charter_or_law, M-09) or the proof
(other_membership, M-12). Against the database:

- a confirmed member of this village → the membership is ended through the membership workflow
  (``end_membership``) after the import is written; every rule of an ending is checked in the
  preview already, a refusal is the row error ``loss.refused`` with the rule id;
- a person not yet on this roster → recorded as a lost membership (history), the same rules;
- a membership already lost the same way → unchanged; otherwise (pending, rejected, withdrawn,
  disputed, or lost differently) → ``loss.refused``.

A member who is simply missing from the file is never ended: silence is not a lawful ground (M-09).
The preview warns (``roster.not_in_file``) and names them; ending takes a 已丧失 row or the member page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import MEMBER_STATUS
from registry.excel.roster.validate import Issue
from registry.models import Membership, Organization, Person
from registry.services.errors import DomainError
from registry.services.membership import rules
from registry.services.membership.changes import check_end, end_membership
from registry.services.membership.transitions import check_actor

ON_ROSTER = ("pending", "confirmed", "disputed")
_SHOW = 10


@dataclass
class Ending:
    row: int
    membership_id: int | None  # None: a new lost membership (history)
    values: dict  # loss_ground, lost_at, loss_citation, loss_evidence, loss_note


def _basis(ground: str, basis: str | None) -> dict:
    """丧失依据 is the citation of a charter/law ground, the evidence otherwise."""
    if ground == "charter_or_law":
        return {"citation": basis}
    return {"evidence": basis}


def _new_history(values: dict, today: dt.date) -> dict:
    """The rules of an ending that apply to a person not yet on the roster (no membership to check)."""
    ground, basis = values["loss_ground"], values.get("loss_basis")
    lost_at = rules.check_effective_date(values["lost_at"], today)
    out = {"loss_ground": ground, "lost_at": lost_at, "loss_citation": None, "loss_evidence": basis,
           "loss_note": None}
    if ground == "charter_or_law":
        out["loss_citation"], out["loss_evidence"] = rules.check_charter_ground(basis, None), None
    elif ground == "other_membership":
        out["loss_evidence"] = rules.check_other_membership_proof(basis, remark=values.get("remark"))
    return out


def check_endings(session: Session, results, organization: Organization, *,
                  today: dt.date | None = None, actor=None) -> dict[int, Ending]:
    """Check every 已丧失 row (without errors so far) against the database; add ``loss.refused``
    issues to refused rows and return ``{row number: Ending}`` for the others. Ending a registered
    membership is the village clerk's act (``actor`` None: the command line without ``--user``); for
    a town or district user it is ``loss.refused`` already in the preview, never a failure at apply."""
    today = today or local_today()
    lost = [r for r in results if r.values.get("status") == "lost" and not r.errors]
    if not lost:
        return {}
    ids = [r.values["id_number"] for r in lost]
    memberships = {}
    for i in range(0, len(ids), 900):
        stmt = (select(Person.id_number, Membership).join(Membership, Membership.person_id == Person.id)
                .where(Person.id_number.in_(ids[i:i + 900]), Membership.organization_id == organization.id))
        memberships.update(dict(session.execute(stmt).all()))
    out: dict[int, Ending] = {}
    for r in lost:
        v = r.values
        m = memberships.get(v["id_number"])
        try:
            if m is None:
                out[r.row] = Ending(r.row, None, _new_history(v, today))
            elif m.status == "lost" and (m.loss_ground, m.lost_at) == (v["loss_ground"], v["lost_at"]):
                continue  # already recorded the same way
            elif m.status != "confirmed":
                raise DomainError("loss.status", f"该人员当前为“{_label(m.status)}”，只有正式成员才能办理丧失成员身份",
                                  rule="M-09")
            else:
                check_actor(organization, actor)
                values = check_end(session, m, today=today, ground=v["loss_ground"], lost_at=v["lost_at"],
                                   **_basis(v["loss_ground"], v.get("loss_basis")))
                values.pop("rule")
                out[r.row] = Ending(r.row, m.id, values)
        except DomainError as err:
            r.errors.append(Issue(r.row, "丧失原因", "loss.refused", str(err)))
    return out


def _label(status: str) -> str:
    return MEMBER_STATUS.label(status) or status


def apply_endings(session: Session, endings: list[Ending], *, actor, today: dt.date | None = None) -> None:
    """End the existing memberships through the workflow (after the import's own writes)."""
    for e in endings:
        if e.membership_id is None:
            continue
        m = session.get(Membership, e.membership_id)
        end_membership(session, m, ground=e.values["loss_ground"], lost_at=e.values["lost_at"],
                       citation=e.values.get("loss_citation"), evidence=e.values.get("loss_evidence"),
                       note=e.values.get("loss_note"), actor=actor, today=today)


def not_in_file(session: Session, organization: Organization, id_numbers: set[str]) -> tuple[int, list[str]]:
    """Members on the roster (pending, confirmed, disputed) whose ID is not in the file: the count and
    up to ten names. They are kept: a missing row is not a lawful ground (M-09)."""
    stmt = (select(Person.id_number, Person.name).join(Membership, Membership.person_id == Person.id)
            .where(Membership.organization_id == organization.id, Membership.status.in_(ON_ROSTER))
            .order_by(Membership.id))
    missing = [name for number, name in session.execute(stmt) if number not in id_numbers]
    return len(missing), missing[:_SHOW]
