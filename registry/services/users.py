"""User accounts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Area, User
from registry.models.users import ROLE_LEVEL, ROLES
from registry.services.errors import DomainError


def create_user(session: Session, username: str, password: str, role: str, area: Area,
                display_name: str = "") -> User:
    """Create a user. Raises DomainError for an unknown role, a role/area level mismatch,
    a duplicate username or a password shorter than 8 characters."""
    if role not in ROLES:
        raise DomainError("user.role", f"未知角色：{role}")
    if ROLE_LEVEL[role] != area.level:
        level_zh = {"village": "村", "town": "乡镇", "district": "区"}[ROLE_LEVEL[role]]
        raise DomainError("user.area_level", f"角色 {role} 只能属于{level_zh}级区划")
    if len(password) < 8:
        raise DomainError("user.password", "密码至少8位")
    if session.scalar(select(User).where(User.username == username)):
        raise DomainError("user.exists", f"用户名已存在：{username}")
    user = User(username=username, role=role, area=area, display_name=display_name or username)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user
