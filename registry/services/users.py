"""User accounts: creation, administration by the administrator, a user's own password (issue 13).

Every change made on behalf of another user writes an audit event (target ``user``) in the same
transaction; passwords never appear in an event. A password set or reset by the administrator is a
one-time password: the account must choose its own at the next login (``must_change_password``).
"""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Area, User
from registry.models.users import ROLE_LABELS, ROLE_LEVEL, ROLES
from registry.services import audit
from registry.services.errors import DomainError

MIN_PASSWORD = 8
#: Passwords printed in the README and the demo (``init-db --demo``): anyone can read them, so no account may
#: choose one as its own (only the demo accounts are created with it).
DEMO_PASSWORD = "linzi-demo-2026"
PUBLIC_PASSWORDS = frozenset({DEMO_PASSWORD})
_LEVEL_ZH = {"village": "村", "town": "乡镇", "district": "区"}
# One-time passwords: no 0/O, 1/l/I, so they can be read out over the phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _check_role_area(role: str, area: Area) -> None:
    if role not in ROLES:
        raise DomainError("user.role", f"未知角色：{role}")
    if ROLE_LEVEL[role] != area.level:
        raise DomainError("user.area_level",
                          f"{ROLE_LABELS.get(role, role)}只能属于{_LEVEL_ZH[ROLE_LEVEL[role]]}级区划")


def _check_password(password: str, *, public_ok: bool = False) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError("user.password", f"密码至少{MIN_PASSWORD}位")
    if not public_ok and password in PUBLIC_PASSWORDS:
        raise DomainError("user.password_public", "不能使用公开的演示密码，请另设密码")


def user_by_name(session: Session, username: str | None) -> User | None:
    """The account whose username equals ``username`` ignoring case and surrounding spaces (``Clerk`` is
    ``clerk``): usernames are unique regardless of case, so at most one matches."""
    name = (username or "").strip()
    if not name:
        return None
    return session.scalar(select(User).where(func.lower(User.username) == name.lower()))


def create_user(session: Session, username: str, password: str, role: str, area: Area,
                display_name: str = "", *, must_change_password: bool = False, actor=None,
                public_password: bool = False) -> User:
    """Create a user. Raises DomainError for an unknown role, a role/area level mismatch,
    a username already taken in any letter case (``user.exists``), a password shorter than 8 characters
    or a public demo password (``user.password_public``; ``public_password=True`` only for the demo
    accounts). With ``actor`` (the web administrator) the creation is audited."""
    username = (username or "").strip()
    if not username:
        raise DomainError("user.username", "请填写用户名")
    _check_role_area(role, area)
    _check_password(password, public_ok=public_password)
    taken = user_by_name(session, username)
    if taken is not None:
        raise DomainError("user.exists", f"用户名已存在：{taken.username}（用户名不区分大小写）")
    user = User(username=username, role=role, area=area, display_name=(display_name or "").strip() or username,
                must_change_password=must_change_password)
    user.set_password(password)
    session.add(user)
    session.flush()
    if actor is not None:
        audit.record(session, actor=actor, action="user.created", target_type="user", target_id=user.id,
                     area_code=area.code, username=username, role=role, area=area.code)
    return user


def one_time_password() -> str:
    """A random 10-character password to hand to a user once."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def reset_password(session: Session, user: User, *, actor) -> str:
    """Give ``user`` a new one-time password (returned, shown once to the administrator); the user must
    change it at the next login. Audited without the password."""
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.revoke_sessions()  # whoever holds a session of this account is signed out (issue 10 item 6)
    audit.record(session, actor=actor, action="user.password_reset", target_type="user", target_id=user.id,
                 area_code=user.area.code, username=user.username)
    session.flush()
    return password


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """The user's own password change: the current password must match, the new one must be at least
    8 characters and differ from it. Clears ``must_change_password``. Raises DomainError
    ``user.password_wrong`` / ``user.password`` / ``user.password_same``."""
    if not user.check_password(current or ""):
        raise DomainError("user.password_wrong", "当前密码不正确")
    _check_password(new)
    if new == current:
        raise DomainError("user.password_same", "新密码不能与当前密码相同")
    user.set_password(new)
    user.must_change_password = False
    user.revoke_sessions()  # every other session of the user ends; the view signs this browser in again
    audit.record(session, actor=user, action="user.password_changed", target_type="user", target_id=user.id,
                 area_code=user.area.code, username=user.username)
    session.flush()


def set_active(session: Session, user: User, active: bool, *, actor) -> None:
    """Disable or re-enable an account. An administrator cannot disable their own account (there would
    be no one left to undo it). Audited old → new."""
    if not active and user.id == getattr(actor, "id", None):
        raise DomainError("user.self_disable", "不能停用自己的账号")
    if user.active == active:
        return
    audit.record(session, actor=actor, action="user.enabled" if active else "user.disabled", target_type="user",
                 target_id=user.id, area_code=user.area.code, username=user.username, old=user.active, new=active)
    user.active = active
    if not active:
        user.revoke_sessions()
    session.flush()


def change_role_area(session: Session, user: User, role: str, area: Area, *, actor) -> None:
    """Move a user to another role and area (e.g. a clerk who now works for another village).
    Raises DomainError for a role/area level mismatch, or when the administrator would change their own
    role. Audited old → new."""
    _check_role_area(role, area)
    if user.id == getattr(actor, "id", None) and role != user.role:
        raise DomainError("user.self_role", "不能修改自己的角色")
    old = {"role": user.role, "area": user.area.code}
    if old == {"role": role, "area": area.code}:
        return
    user.role, user.area = role, area
    audit.record(session, actor=actor, action="user.changed", target_type="user", target_id=user.id,
                 area_code=area.code, username=user.username, old=old, new={"role": role, "area": area.code})
    session.flush()


def change_password(session: Session, user: User, password: str, *, actor) -> User:
    """Set a new password (the operator's ``set-password``) and end every session of ``user``: cookies
    issued before stop working (issue 10 item 6). Raises DomainError for a password shorter than 8
    characters. Audited (not the password)."""
    _check_password(password)
    user.set_password(password)
    user.revoke_sessions()
    audit.record(session, actor=actor, action="user.password_changed", target_type="user", target_id=user.id,
                 area_code=user.area.code, username=user.username)
    session.flush()
    return user
