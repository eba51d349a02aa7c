"""The collective's charter settings (章程设置, DOMAIN §8) in force on a day, and their audited change.

Read them with :func:`settings_for` (a frozen :class:`CharterSettingsView`; the law's minimums and the
DOMAIN §8 defaults when the organisation has set nothing), change them with :func:`update_settings`.
A charter may raise the assembly thresholds but never lower them below the law (A-04), and the roster
notice lasts at least 7 working days (F-04). Field parsing lives in :mod:`.fields`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.clock import local_today
from registry.models import CharterSettings, Organization
from registry.services import audit
from registry.services.charter import fields as f
from registry.services.errors import DomainError

EDITOR_ROLES = ("district", "admin")


@dataclass(frozen=True)
class CharterSettingsView:
    """The settings of one organisation in force on one day. ``settings_id``, ``valid_from`` and
    ``article`` are None when nothing is set (the defaults apply). ``share_types`` maps a share type
    code to ``(weight, counts_in_divisor)`` (S-07)."""

    organization_id: int | None = None
    settings_id: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    article: str | None = None
    confirmation_threshold: Fraction = f.LAW_PASS
    art15_threshold: Fraction = f.LAW_ART15
    quorum_threshold: Fraction = f.LAW_QUORUM
    notice_working_days: int = f.LAW_NOTICE_WORKING_DAYS
    withdrawal_consent_body: str = f.MEMBER_ASSEMBLY
    state_payroll_loss_ground: bool = False
    allow_nested_membership: bool = False
    holder_unit: str = f.HOUSEHOLD
    management: str = f.STATIC
    adjustment_years: int | None = None
    share_types: Mapping[str, tuple[Decimal, bool]] = field(default_factory=lambda: f.DEFAULT_SHARE_TYPES)
    holding_cap_percent: Decimal = Decimal(3)
    reserve_rate: Decimal = Decimal("0.30")
    death_treatment: str = f.DEATH_FULL_YEAR

    def pass_threshold(self, subject: str) -> Fraction:
        """The share of ALL assembly members that must vote for ``subject``: the charter's confirmation
        threshold for a membership confirmation, its Art. 15 threshold for a grant (A-05), 2/3 else."""
        if subject == "membership_confirmation":
            return self.confirmation_threshold
        if subject == "art15_grant":
            return self.art15_threshold
        return f.LAW_PASS

    @property
    def withdrawal_consent_bodies(self) -> tuple[str, ...]:
        """The assembly bodies whose resolution may consent to a withdrawal (Q-08, M-18)."""
        return f.CONSENT_BODIES[self.withdrawal_consent_body]

    def weight(self, share_type: str) -> tuple[Decimal, bool]:
        """(weight, counts in the divisor) of a share type; an unknown type weighs 1 and counts."""
        return self.share_types.get(share_type, (Decimal(1), True))

    def values(self) -> dict:
        """The settings (without the version fields) as plain values, keyed by setting name."""
        return {name: getattr(self, name) for name in f.SETTINGS}

    def as_json(self) -> dict:
        """JSON-ready: fractions and decimals as strings, share types as objects."""
        out = {"organization_id": self.organization_id, "settings_id": self.settings_id,
               "valid_from": self.valid_from.isoformat() if self.valid_from else None,
               "valid_to": self.valid_to.isoformat() if self.valid_to else None, "article": self.article}
        out.update({name: f.to_stored(name, value) for name, value in self.values().items()})
        return out


DEFAULTS = CharterSettingsView()


def _view(row: CharterSettings) -> CharterSettingsView:
    values = {name: f.from_stored(name, getattr(row, name)) for name in f.SETTINGS}
    return CharterSettingsView(organization_id=row.organization_id, settings_id=row.id, valid_from=row.valid_from,
                               valid_to=row.valid_to, article=row.article, **values)


def settings_row(session: Session, organization_id: int, day: dt.date) -> CharterSettings | None:
    """The stored version in force on ``day`` (``valid_from ≤ day < valid_to``), or None."""
    return session.scalar(
        select(CharterSettings)
        .where(CharterSettings.organization_id == organization_id, CharterSettings.valid_from <= day,
               or_(CharterSettings.valid_to.is_(None), CharterSettings.valid_to > day))
        .order_by(CharterSettings.valid_from.desc(), CharterSettings.id.desc()).limit(1))


def settings_for(session: Session, organization_id: int, day: dt.date) -> CharterSettingsView:
    """The charter settings of ``organization_id`` in force on ``day`` (defaults when none is set)."""
    row = settings_row(session, organization_id, day)
    if row is None:
        return dataclasses.replace(DEFAULTS, organization_id=organization_id)
    return _view(row)


def history(session: Session, organization_id: int) -> list[CharterSettings]:
    """Every stored version, newest first."""
    return list(session.scalars(select(CharterSettings).where(CharterSettings.organization_id == organization_id)
                                .order_by(CharterSettings.valid_from.desc(), CharterSettings.id.desc())))


def _current(session: Session, organization_id: int) -> CharterSettings | None:
    return session.scalar(select(CharterSettings).where(CharterSettings.organization_id == organization_id,
                                                        CharterSettings.valid_to.is_(None)))


def _check_actor(actor, organization: Organization) -> None:
    """The command line (``actor`` None) and the district officer or administrator of the area may change."""
    if actor is None:
        return
    if getattr(actor, "role", None) not in EDITOR_ROLES or not organization.area_code.startswith(actor.scope):
        raise DomainError("charter.role", "只有区农业农村局或系统管理员可以修改集体经济组织的章程设置")


def update_settings(session: Session, organization: Organization, changes: Mapping[str, object], *, actor,
                    article: str | None, effective_on: dt.date | None = None,
                    today: dt.date | None = None) -> CharterSettingsView:
    """Change some of ``organization``'s charter settings from ``effective_on`` (default today) and return
    the new version.

    ``changes`` maps a setting name (:data:`fields.SETTINGS`; share types also as
    ``share_types.<code>.weight`` / ``share_types.<code>.counts_in_divisor``) to a value or its text.
    ``article`` (the charter article the settings come from) is required. Refuses with DomainError:
    A-04 a threshold below the law, F-04 fewer than 7 notice working days, S-04/S-06/S-07/S-10/S-11/S-16
    an invalid share setting, ``charter.unchanged``, ``charter.effective_on`` (before the version in
    force), ``charter.role``. The old version ends the day before ``effective_on``; audited old → new."""
    _check_actor(actor, organization)
    article = (article or "").strip()
    if not article:
        raise DomainError("charter.article_required", "请填写设置所依据的章程条款（如“章程第十二条”）")
    if len(article) > 200:
        raise DomainError("charter.article_too_long", "章程条款最多 200 个字符")
    effective_on = effective_on or today or local_today()
    current = _current(session, organization.id)
    if current is not None and effective_on < current.valid_from:
        raise DomainError("charter.effective_on",
                          f"生效日期 {effective_on.isoformat()} 早于现行设置的生效日期 "
                          f"{current.valid_from.isoformat()}："
                          "章程设置只能向后变更")
    old = _view(current) if current is not None else DEFAULTS
    new_values = f.apply_changes(old.values(), changes)
    diff = {name: {"old": f.to_stored(name, old.values()[name]), "new": f.to_stored(name, value)}
            for name, value in new_values.items() if value != old.values()[name]}
    if not diff:
        raise DomainError("charter.unchanged", "设置没有变化")
    if current is not None:
        current.valid_to = effective_on
    session.flush()
    row = CharterSettings(organization_id=organization.id, area_code=organization.area_code, valid_from=effective_on,
                          article=article, created_by_id=getattr(actor, "id", None),
                          **{name: f.to_column(name, value) for name, value in new_values.items()})
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="charter.updated", target_type="charter_settings", target_id=row.id,
                 area_code=organization.area_code, organization_id=organization.id, article=article,
                 valid_from=effective_on, previous_id=current.id if current else None, changes=diff)
    return _view(row)

