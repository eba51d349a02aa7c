"""Change operations on a village roster, each through the membership workflow's entry point
(``registry.services.membership.transitions.transition``) or, for data that is not a status, with its own
audit event: add a member (M-03, M-04, M-05, M-07), end a membership on a lawful ground (M-09 …
M-14, H-02), voluntary withdrawal (M-18). The village's proposal to reject a candidate (M-03, M-04) and the
retention flags (M-11) are ``registry.services.membership.proposals`` (re-exported here). Services flush;
the caller commits.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.codes import ACQUISITION_GROUND, HEAD_RELATIONS, MEMBER_REMARK, RELATION
from registry.models import Household, HouseholdMember, HukouRecord, Membership, Organization, Resolution
from registry.services.charter import settings_for
from registry.services.errors import DomainError
from registry.services.membership import rules
from registry.services.membership.handover import pending_elsewhere
from registry.services.membership.proposals import propose_rejection, set_flags, withdraw_rejection_proposal
from registry.services.membership.transitions import (
    ADD,
    ADD_REFORM,
    END,
    WITHDRAW,
    check_actor,
    check_unlocked,
    guard,
    transition,
)
from registry.services.people import current_head, household_of, person_for

__all__ = ["add_member", "end_membership", "check_end", "withdraw", "propose_rejection",
           "withdraw_rejection_proposal", "set_flags"]

# --- add a member ---------------------------------------------------------------------------------------

def add_member(session: Session, organization: Organization, *, id_number: str, name: str, ground: str,
               relation: str, household_id: int | None = None, new_household: str | None = None,
               id_type: str = "1", sex: str | None = None, birth_date: dt.date | None = None,
               phone: str | None = None, acquired_at: dt.date | None = None, remark: str | None = None,
               notes: str | None = None, hukou_place: str | None = None, hukou_in_org: bool | None = None,
               actor, today: dt.date | None = None) -> Membership:
    """Add a person to the roster of ``organization``: a pending candidate for the assembly (birth,
    marriage, adoption, policy migration, admission, original), or a confirmed member for ground
    ``reform`` (M-05). The person joins an existing household (``household_id``) or heads a new one
    (``new_household`` number). A child (ground ``birth``) joins a household with a confirmed member
    (M-03). Raises DomainError; returns the new membership."""
    today = today or local_today()
    check_actor(organization, actor)
    check_unlocked(session, organization)
    ground = ACQUISITION_GROUND.lookup(ground)
    if ground is None:
        raise DomainError("membership.ground", "请选择取得方式（出生、婚姻、收养、政策性移民、成员大会接纳等）",
                          rule="M-01")
    relation = RELATION.lookup(relation)
    if relation is None:
        raise DomainError("household.relation", "请选择与户主关系（GB/T 4761）", rule="M-25")
    if remark is not None and remark != "" and MEMBER_REMARK.lookup(remark) is None:
        raise DomainError("membership.remark", "成员备注不在 NY/T 2539 C.18 代码表内")
    household = _household_for(session, organization, household_id, new_household, relation)
    if ground == "birth":
        _check_born_to_member(session, organization, household)
    person = person_for(session, id_type=id_type, id_number=id_number, name=name, sex=sex,
                        birth_date=birth_date, phone=phone, today=today)
    if person.id is not None and session.scalar(select(Membership.id).where(
            Membership.person_id == person.id, Membership.organization_id == organization.id)):
        raise DomainError("membership.exists", f"{person.name}已在本集体经济组织的名册中")
    if acquired_at is None:
        acquired_at = person.birth_date if ground == "birth" and person.birth_date else today
    rules.check_effective_date(acquired_at, today, what="取得日期")
    session.flush()
    if household.id is None:
        session.add(household)
        session.flush()
    session.add(HouseholdMember(household_id=household.id, person_id=person.id, relation=relation,
                                is_head=relation in HEAD_RELATIONS, valid_from=acquired_at))
    if hukou_place or hukou_in_org is not None:
        session.add(HukouRecord(person_id=person.id, place=(hukou_place or "").strip() or None,
                                in_organization=hukou_in_org,
                                organization_id=organization.id if hukou_in_org else None))
    membership = Membership(person_id=person.id, organization_id=organization.id, household_id=household.id,
                            acquisition_ground=ground, acquired_at=acquired_at, remark=remark or None,
                            group_code=household.group_code, notes=(notes or "").strip() or None,
                            retention_flags="")
    return transition(session, membership, ADD_REFORM if ground == "reform" else ADD, actor=actor, today=today,
                      household_no=household.number, relation=relation)


def _household_for(session, organization, household_id, new_household, relation) -> Household:
    if household_id is not None:
        household = household_of(session, organization, household_id)
        if relation in HEAD_RELATIONS and current_head(session, household.id) is not None:
            raise DomainError("household.multiple_heads", f"户 {household.number} 已有户主，每户只能有一个户主",
                              rule="M-25")
        return household
    number = (new_household or "").strip()
    if not (number.isdigit() and len(number) <= 4):
        raise DomainError("household.invalid", "请选择所在户，或填写新户的 4 位户编号")
    number = number.zfill(4)
    if session.scalar(select(Household.id).where(Household.organization_id == organization.id,
                                                 Household.number == number)):
        raise DomainError("household.exists", f"户编号 {number} 已存在")
    if relation not in HEAD_RELATIONS:
        raise DomainError("household.no_head", "新立户的第一位成员须为户主", rule="M-25")
    return Household(organization_id=organization.id, number=number)


def _check_born_to_member(session, organization, household) -> None:
    members = 0 if household.id is None else session.scalar(
        select(Membership.id).join(HouseholdMember, (HouseholdMember.person_id == Membership.person_id)
                                   & (HouseholdMember.household_id == household.id)
                                   & HouseholdMember.valid_to.is_(None))
        .where(Membership.organization_id == organization.id, Membership.status == "confirmed").limit(1))
    if not members:
        raise DomainError("membership.birth_household",
                          "以“出生”取得的，须登记在有本集体成员（父母）的户内", rule="M-03")


@guard(ADD)
def _add(session, m, *, today, actor, **detail):
    if m.acquisition_ground == "reform":
        raise DomainError("membership.reform", "改革确认成员直接登记为正式成员", rule="M-05")
    rule = {"birth": "M-03", "admission": "M-07"}.get(m.acquisition_ground, "M-04")
    return {"ground": m.acquisition_ground, "acquired_at": m.acquired_at, "rule": rule, **detail}


@guard(ADD_REFORM)
def _add_reform(session, m, *, today, actor, **detail):
    if m.acquisition_ground != "reform" or m.acquired_at is None:
        raise DomainError("membership.reform", "改革确认成员须有改革确认日期", rule="M-05")
    m.confirmed_at = m.acquired_at
    return {"ground": "reform", "acquired_at": m.acquired_at, "rule": "M-05", **detail}


# --- end a membership -----------------------------------------------------------------------------------

def end_membership(session: Session, membership: Membership, *, ground: str, lost_at: dt.date,
                   citation: str | None = None, evidence: str | None = None, note: str | None = None,
                   contract_based: bool = False, retained_rights_until: dt.date | None = None,
                   actor, today: dt.date | None = None) -> Membership:
    """confirmed → lost on a lawful ground (§2.5): ``death``, ``nationality``, ``other_membership``
    (with proof, never while a candidacy elsewhere is pending: the hand-over does it, M-12, M-15),
    ``civil_servant`` (not contract-based), ``charter_or_law`` (with the citation, M-09). A hukou move
    is never a ground (H-02); voluntary withdrawal is :func:`withdraw` (M-18)."""
    return transition(session, membership, END, actor=actor, today=today, ground=ground, lost_at=lost_at,
                      citation=citation, evidence=evidence, note=note, contract_based=contract_based,
                      retained_rights_until=retained_rights_until)


def check_end(session: Session, m: Membership, *, today: dt.date, ground=None, lost_at=None, citation=None,
              evidence=None, note=None, contract_based=False, retained_rights_until=None,
              ended_by: Membership | None = None) -> dict:
    """Every rule of an ending, without changing anything: the field values to set, or DomainError
    (M-09, M-10, M-12, M-15, M-18, H-02, W-03). Used by the END guard and the import's preview."""
    ground = rules.check_loss_ground(ground)
    if ground == "withdrawal":
        raise DomainError("membership.use_withdrawal", "自愿退出须办理退出手续：本人书面申请并经集体经济组织同意",
                          rule="M-18")
    lost_at = rules.check_effective_date(lost_at, today, since=m.confirmed_at or m.acquired_at)
    note = (note or "").strip() or None
    out = {"loss_ground": ground, "lost_at": lost_at, "loss_note": note, "loss_citation": None,
           "loss_evidence": (evidence or "").strip() or None, "retained_rights_until": retained_rights_until,
           "rule": "M-09"}
    if ground == "charter_or_law":
        out["loss_citation"] = rules.check_charter_ground(citation, note)
    elif ground == "civil_servant" and contract_based:
        raise DomainError("membership.contract_civil_servant", "聘任制公务员不因此丧失成员身份", rule="M-09")
    elif ground == "other_membership":
        if ended_by is None:
            pending = pending_elsewhere(session, m)
            if pending:
                raise DomainError(
                    "membership.pending_elsewhere",
                    f"此人在{'、'.join(pending)}还只是待确认人员：须待对方成员大会确认后由系统同日办理转移，"
                    "不能先行丧失本村成员身份（防止两头空）", rule="M-12")
        out["loss_evidence"] = rules.check_other_membership_proof(evidence, remark=m.remark)
        out["rule"] = "M-15" if ended_by is not None else "M-12"
    rules.check_retained_rights(ground, retained_rights_until, lost_at)
    return out


@guard(END)
def _end(session, m, *, today, actor, ended_by: Membership | None = None, **data):
    values = check_end(session, m, today=today, ended_by=ended_by, **data)
    rule = values.pop("rule")
    detail = {"ground": values["loss_ground"], "lost_at": values["lost_at"], "rule": rule}
    if values["loss_citation"]:
        detail["citation"] = values["loss_citation"]
    if values["loss_ground"] == "other_membership" and rules.MARRIED_OUT_FLAG in m.flags:
        m.retention_flags = ",".join(f for f in m.flags if f != rules.MARRIED_OUT_FLAG)
        detail["flags_cleared"] = [rules.MARRIED_OUT_FLAG]
    for field, value in values.items():
        setattr(m, field, value)
    if ended_by is not None:
        m.ended_by_membership_id = ended_by.id
        detail["ended_by_membership_id"] = ended_by.id
    detail.update(evidence=m.loss_evidence, note=m.loss_note, retained_rights_until=m.retained_rights_until)
    return detail


# --- voluntary withdrawal (M-18) ------------------------------------------------------------------------

def withdraw(session: Session, membership: Membership, *, applied_on: dt.date | None,
             resolution: Resolution | None, effective_on: dt.date | None = None,
             retained_rights_until: dt.date | None = None, note: str | None = None, actor,
             today: dt.date | None = None) -> Membership:
    """confirmed → withdrawn: the member's written application (``applied_on``) and the
    organisation's consent (a passed ``withdrawal_consent`` resolution, Q-08) are required (M-18).
    ``effective_on`` defaults to the consent's meeting date; ``note`` records the agreed compensation
    (the leaver may not demand a split of collective property)."""
    return transition(session, membership, WITHDRAW, actor=actor, today=today, applied_on=applied_on,
                      resolution=resolution, effective_on=effective_on,
                      retained_rights_until=retained_rights_until, note=note)


@guard(WITHDRAW)
def _withdraw(session, m, *, today, actor, applied_on=None, resolution=None, effective_on=None,
              retained_rights_until=None, note=None):
    if applied_on is None:
        raise DomainError("membership.application_required", "自愿退出须有本人的书面申请（请填写申请日期）",
                          rule="M-18")
    rules.check_effective_date(applied_on, today, what="书面申请日期")
    # the charter in force on the meeting date says which body consents (default the member assembly).
    bodies = settings_for(session, m.organization_id, resolution.meeting_date).withdrawal_consent_bodies \
        if resolution is not None else ()
    if resolution is None or not resolution.passed or resolution.subject != "withdrawal_consent" \
            or resolution.body not in bodies or resolution.organization_id != m.organization_id:
        raise DomainError("membership.consent_required",
                          "自愿退出须经集体经济组织同意：请选择已通过的“同意自愿退出”成员大会决议", rule="M-18")
    if resolution.meeting_date < applied_on:
        raise DomainError("membership.consent_before_application", "同意退出的决议不能早于本人的书面申请",
                          rule="M-18")
    lost_at = rules.check_effective_date(effective_on or resolution.meeting_date, today,
                                         since=m.confirmed_at or m.acquired_at, what="退出生效日期")
    if lost_at < resolution.meeting_date:
        raise DomainError("membership.withdrawal_date", "退出生效日期不能早于同意退出的决议日期", rule="M-18")
    rules.check_retained_rights("withdrawal", retained_rights_until, lost_at)
    m.loss_ground, m.lost_at, m.withdrawal_applied_on = "withdrawal", lost_at, applied_on
    m.loss_resolution_id = resolution.id
    m.retained_rights_until = retained_rights_until
    m.loss_note = (note or "").strip() or None
    return {"ground": "withdrawal", "lost_at": lost_at, "applied_on": applied_on, "resolution_id": resolution.id,
            "retained_rights_until": retained_rights_until, "note": m.loss_note, "rule": "M-18"}
