"""Users and roles. A user's scope is a division-code prefix (DESIGN §2)."""
from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from registry.models.areas import Area, scope_prefix
from registry.models.base import Base, TimestampMixin

ROLES = ("clerk", "town", "district", "admin")
ROLE_LEVEL = {"clerk": "village", "town": "town", "district": "district", "admin": "district"}
ROLE_LABELS = {"clerk": "村文书", "town": "乡镇农经站", "district": "区农业农村局", "admin": "系统管理员"}


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's user id (``get_id``): raised at logout and on a password change, so
    # every cookie issued before stops working (issue 10 item 6; checked by the user loader).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when an administrator created the account or reset its password: the password was shown to
    # the administrator once, so the user must choose their own at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")

    area: Mapped[Area] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: what the session cookie keeps
        return f"{self.id}:{self.session_version or 0}"

    def revoke_sessions(self) -> None:
        """End every session of this user (their cookies carry the old version)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def scope(self) -> str:
        """The division-code prefix this user may see."""
        return scope_prefix(self.area.code, self.area.level)
