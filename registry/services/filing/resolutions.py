"""Assembly resolutions (成员大会 / 成员代表大会决议): validity per DOMAIN §6.4.

All thresholds are computed exactly: ``ceil(Fraction(2, 3) * base)`` — never floats, never a share
of the members present (A-03). The base is the number of members with full civil capacity (A-07,
Q-09); for a representative assembly it is the number of representatives (A-08).
"""
from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import Organization, Resolution
from registry.services import audit
from registry.services.assembly.attendance import resolve_attendance
from registry.services.assembly.basis import store as store_basis
from registry.services.assembly.capacity import meeting_base
from registry.services.assembly.representatives import representative_base
from registry.services.charter import settings_for
from registry.services.errors import DomainError

MEMBER_ASSEMBLY = "member_assembly"
REPRESENTATIVE = "representative"
BODIES = {MEMBER_ASSEMBLY: "成员大会", REPRESENTATIVE: "成员代表大会"}

# DOMAIN §2.10, in display order.
SUBJECTS = {
    "charter": "章程",
    "membership_confirmation": "成员身份确认",
    "withdrawal_consent": "同意自愿退出",
    "art15_grant": "第十五条非成员享有权利",
    "quantification_plan": "股份量化方案",
    "distribution_plan": "收益分配方案",
    "land_contract_plan": "土地承包方案",
    "homestead_plan": "宅基地使用方案",
    "land_compensation": "土地补偿费分配",
    "merger_division": "合并、分立",
    "other": "其他事项",
}
#: Subjects only the full member assembly may decide (A-09, A-11).
FULL_ONLY = frozenset(s for s in SUBJECTS if s not in ("withdrawal_consent", "other"))

QUORUM = Fraction(2, 3)
PASS = Fraction(2, 3)
ART15_PASS = Fraction(3, 4)
NOTICE_DAYS = 10  # A-01, calendar days; the notice day does not count

_FRACTION_ZH = {Fraction(2, 3): "三分之二", Fraction(3, 4): "四分之三"}


def required(base: int, k: Fraction) -> int:
    """``ceil(k × base)`` exactly."""
    return math.ceil(Fraction(k) * base)


def pass_fraction(subject: str, threshold: Fraction = PASS) -> Fraction:
    """The share of ALL assembly members that must vote for: 2/3, 3/4 for an Art. 15 grant
    (A-05), or a higher charter threshold (A-04)."""
    statutory = ART15_PASS if subject == "art15_grant" else PASS
    return max(Fraction(threshold), statutory)


def _check_inputs(body: str, subject: str, base_members: int, attendees: int, votes_for: int,
                  threshold: Fraction, quorum: Fraction = QUORUM) -> None:
    if body not in BODIES:
        raise ValueError(f"unknown body {body!r}")
    if subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}")
    if Fraction(threshold) < PASS or Fraction(threshold) > 1:
        raise ValueError("A-04: a charter threshold may raise 2/3, never lower it")
    if Fraction(quorum) < QUORUM or Fraction(quorum) > 1:
        raise ValueError("A-04: a charter quorum may raise 2/3, never lower it")
    if not (0 < base_members and 0 <= votes_for <= attendees <= base_members):
        raise ValueError("counts must satisfy 0 <= votes_for <= attendees <= base_members, base > 0")


def evaluate(body: str, subject: str, notice_date: dt.date, meeting_date: dt.date, base_members: int,
             attendees: int, votes_for: int, *, threshold: Fraction = PASS,
             quorum: Fraction = QUORUM) -> list[str]:
    """Rule ids the resolution fails, in rule order (empty list = valid and passed).

    A-01 ``meeting − notice ≥ 10`` calendar days; A-02 attendees ≥ ceil(2/3·base); A-03 votes_for ≥
    ceil(2/3·base) (base = all members with full civil capacity, not those present); A-05 3/4 for
    ``art15_grant``; A-04 a raised charter ``threshold`` or ``quorum``; A-09 a representative assembly may not
    decide a FULL_ONLY subject. Raises ValueError for an unknown body/subject, a threshold below 2/3
    or inconsistent counts."""
    _check_inputs(body, subject, base_members, attendees, votes_for, threshold, quorum)
    failed: list[str] = []
    if (meeting_date - notice_date).days < NOTICE_DAYS:
        failed.append("A-01")
    if attendees < required(base_members, QUORUM):
        failed.append("A-02")
    if subject == "art15_grant":
        if votes_for < required(base_members, ART15_PASS):
            failed.append("A-05")
    elif votes_for < required(base_members, PASS):
        failed.append("A-03")
    k = pass_fraction(subject, threshold)
    if not ({"A-03", "A-05"} & set(failed)) and votes_for < required(base_members, k) \
            or "A-02" not in failed and attendees < required(base_members, quorum):
        failed.append("A-04")
    if body == REPRESENTATIVE and subject in FULL_ONLY:
        failed.append("A-09")
    return failed


def _base_phrase(body: str, base: int) -> str:
    if body == REPRESENTATIVE:
        return f"全体成员代表 {base} 人"
    return f"全体成员(有完全民事行为能力) {base} 人"


def explain(rule: str, *, body: str, subject: str, notice_date: dt.date, meeting_date: dt.date,
            base_members: int, attendees: int, votes_for: int, threshold: Fraction = PASS,
            quorum: Fraction = QUORUM) -> str:
    """The Chinese reason for one failed rule id (without the ``[A-0x]`` prefix)."""
    base = _base_phrase(body, base_members)
    if rule == "A-01":
        days = (meeting_date - notice_date).days
        if days < 0:
            return (f"会议通知日期 {notice_date.isoformat()} 晚于会议日期 {meeting_date.isoformat()}："
                    f"须先通知，且至少提前 {NOTICE_DAYS} 日将会议时间、地点和议题通知全体成员"
                    "（请检查两个日期是否填反）")
        if days == 0:
            return (f"会议通知日期与会议日期同为 {meeting_date.isoformat()}：应至少提前 {NOTICE_DAYS} 日"
                    "将会议时间、地点和议题通知全体成员")
        return (f"会议通知日期 {notice_date.isoformat()} 距会议日期 {meeting_date.isoformat()} 仅 {days} 天，"
                f"应至少提前 {NOTICE_DAYS} 日将会议时间、地点和议题通知全体成员")
    if rule == "A-02":
        return (f"出席人数 {attendees} 未达到{base}的三分之二（{required(base_members, QUORUM)} 人），"
                "会议不足法定人数")
    if rule in ("A-03", "A-05"):
        k = ART15_PASS if rule == "A-05" else PASS
        return f"赞成票 {votes_for} 未达到{base}的{_FRACTION_ZH[k]}（{required(base_members, k)} 票）"
    if rule == "A-04":
        k = pass_fraction(subject, threshold)
        parts = []
        if attendees < required(base_members, quorum):
            parts.append(f"出席人数 {attendees} 未达到章程规定的 {quorum.numerator}/{quorum.denominator}"
                         f"（{base}，需 {required(base_members, quorum)} 人）")
        if votes_for < required(base_members, k):
            parts.append(f"赞成票 {votes_for} 未达到章程规定的 {k.numerator}/{k.denominator}"
                         f"（{base}，需 {required(base_members, k)} 票）")
        return "；".join(parts)
    if rule == "A-09":
        return f"成员代表大会不得决定「{SUBJECTS[subject]}」事项，须由成员大会表决"
    raise KeyError(rule)


# --- the base derived for the meeting date; A-06: attendance ---------------------------------

def meeting_basis(session: Session, organization: Organization, body: str, meeting_date: dt.date):
    """``(base, representative body or None)``: the members with full civil capacity on the meeting
    date (A-07), or the representatives in office then (A-08)."""
    if body == REPRESENTATIVE:
        return representative_base(session, organization.id, meeting_date)
    return meeting_base(session, organization.id, meeting_date), None


def _base_mismatch(base, typed: int, body: str) -> DomainError:
    who = "在任成员代表" if body == REPRESENTATIVE else "有完全民事行为能力的成员"
    rule = "A-08" if body == REPRESENTATIVE else "A-07"
    return DomainError("resolution.base_mismatch",
                       f"应到人数 {typed} 人与名册不符：按会议日期 {base.on.isoformat()} 计算，{who} {base.size} 人"
                       "（应到人数由系统按会议日期的名册计算，不能另填）", rule=rule)


def record_resolution(session: Session, organization: Organization, *, body: str = MEMBER_ASSEMBLY,
                      subject: str = "membership_confirmation", title: str | None = None,
                      notice_date: dt.date, meeting_date: dt.date, votes_for: int,
                      base_members: int | None = None, attendees: int | None = None,
                      in_person: str | int | None = None, online: str | int | None = None,
                      proxies: str | None = None, party_pre_discussion_date: dt.date | None = None,
                      threshold: Fraction | None = None, quorum: Fraction | None = None, actor,
                      today: dt.date | None = None) -> Resolution:
    """Store a passed resolution of ``organization`` and return it.

    The base is derived for ``meeting_date`` (:func:`meeting_basis`, A-07 / A-08); ``base_members``,
    when given, is only a cross-check (a different number is refused, A-07/A-08). Attendance is
    ``in_person`` / ``online`` (names or counts) and ``proxies`` (lines 委托人 受托人, A-06), or
    ``attendees`` alone as an in-person count. The base list, attendance and the thresholds in force
    are frozen with the resolution (services.assembly.basis).

    Refuses with DomainError carrying the FIRST failing rule id (A-01, A-02, A-03, A-04, A-05,
    A-09); the error's ``failures`` attribute lists every ``(rule, message)``. Also refuses
    inconsistent counts, a bad proxy (A-06, A-07), a meeting after ``today`` (Beijing date) and a
    Party pre-discussion after the meeting (A-12). Only the clerk of the organisation's village may
    record.

    ``threshold`` and ``quorum`` default to the charter settings in force on the meeting date (A-04,
    :func:`registry.services.charter.settings_for`); the resolution records the thresholds it was
    judged by."""
    today = today or local_today()
    if getattr(actor, "role", None) != "clerk" or not organization.area_code.startswith(actor.scope):
        raise DomainError("resolution.role", "只有本村文书可以录入成员大会决议")
    if body not in BODIES or subject not in SUBJECTS:
        raise DomainError("resolution.kind", "会议类型或决议事项无效")
    if meeting_date > today:
        raise DomainError("resolution.future", f"会议日期 {meeting_date.isoformat()} 晚于今天，不能录入尚未召开的会议")
    if body == REPRESENTATIVE and subject in FULL_ONLY:  # whatever the body's size
        raise DomainError("resolution.a-09", explain("A-09", body=body, subject=subject, notice_date=notice_date,
                                                    meeting_date=meeting_date, base_members=0, attendees=0,
                                                    votes_for=0), rule="A-09")
    base, representatives = meeting_basis(session, organization, body, meeting_date)
    if base_members is not None and base_members != base.size:
        raise _base_mismatch(base, base_members, body)
    if base.size <= 0:
        raise DomainError("resolution.counts",
                          f"会议日期 {meeting_date.isoformat()} 名册上没有有完全民事行为能力的成员",
                          rule="A-07")
    if attendees is not None and in_person is None and online is None:
        in_person = attendees
    attendance = resolve_attendance(base, in_person=in_person, online=online, proxies=proxies, body=body)
    if not (0 <= votes_for <= attendance.total):
        raise DomainError("resolution.counts",
                          f"人数不一致：赞成票（{votes_for}）不能多于出席人数（{attendance.total}）")
    if party_pre_discussion_date and party_pre_discussion_date > meeting_date:
        raise DomainError("resolution.party_after_meeting",
                          "党组织研究讨论日期应早于会议日期（先讨论后决定）", rule="A-12")
    facts = dict(body=body, subject=subject, notice_date=notice_date, meeting_date=meeting_date,
                 base_members=base.size, attendees=attendance.total, votes_for=votes_for)
    charter = settings_for(session, organization.id, meeting_date)
    threshold = charter.pass_threshold(subject) if threshold is None else Fraction(threshold)
    quorum = charter.quorum_threshold if quorum is None else Fraction(quorum)
    failed = evaluate(**facts, threshold=threshold, quorum=quorum)
    if failed:
        failures = [(rule, explain(rule, **facts, threshold=threshold, quorum=quorum)) for rule in failed]
        error = DomainError(f"resolution.{failed[0].lower()}", failures[0][1], rule=failed[0])
        error.failures = failures
        raise error
    resolution = Resolution(
        organization_id=organization.id, title=(title or "").strip() or None, passed=True,
        party_pre_discussion_date=party_pre_discussion_date, recorded_by_id=getattr(actor, "id", None),
        thresholds={"quorum": str(quorum), "pass": str(pass_fraction(subject, threshold)),
                    "charter_settings_id": charter.settings_id, "article": charter.article},
        **facts,
    )
    session.add(resolution)
    session.flush()
    k = pass_fraction(subject, threshold)
    store_basis(session, resolution, base, attendance, quorum_fraction=quorum, pass_fraction=k,
                quorum_required=required(base.size, quorum), votes_required=required(base.size, k),
                representative_assembly_id=representatives.assembly.id if representatives else None)
    audit.record(session, actor=actor, action="resolution.recorded", target_type="resolution",
                 target_id=resolution.id, area_code=organization.area_code, **facts,
                 threshold=str(k), quorum=str(quorum), title=resolution.title,
                 party_pre_discussion_date=party_pre_discussion_date,
                 in_person=attendance.in_person, online=attendance.online,
                 proxies=[[p.absent.name, p.holder.name] for p in attendance.proxies])
    return resolution
