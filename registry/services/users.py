"""User accounts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Area, User
from registry.models.users import ROLE_LEVEL, ROLES
from registry.services import audit
from registry.services.errors import DomainError

MIN_PASSWORD_LENGTH = 8


def create_user(session: Session, username: str, password: str, role: str, area: Area,
                display_name: str = "") -> User:
    """Create a user. Raises DomainError for an unknown role, a role/area level mismatch,
    a duplicate username or a password shorter than 8 characters."""
    if role not in ROLES:
        raise DomainError("user.role", f"未知角色：{role}")
    if ROLE_LEVEL[role] != area.level:
        level_zh = {"village": "村", "town": "乡镇", "district": "区"}[ROLE_LEVEL[role]]
        raise DomainError("user.area_level", f"角色 {role} 只能属于{level_zh}级区划")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("user.password", "密码至少8位")
    if session.scalar(select(User).where(User.username == username)):
        raise DomainError("user.exists", f"用户名已存在：{username}")
    user = User(username=username, role=role, area=area, display_name=display_name or username)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, user: User, password: str, *, actor) -> User:
    """Set a new password and end every session of ``user`` (cookies issued before stop working).
    Raises DomainError for a password shorter than 8 characters. Audited (not the password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("user.password", "密码至少8位")
    user.set_password(password)
    user.revoke_sessions()
    audit.record(session, actor=actor, action="user.password_changed", target_type="user", target_id=user.id,
                 area_code=user.area.code, username=user.username)
    session.flush()
    return user
