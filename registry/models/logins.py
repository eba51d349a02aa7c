"""Failed logins, counted across processes (issue 10 item 11): the throttle of ``POST /login`` reads them
from the database every worker shares (registry/services/logins.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base


class LoginFailure(Base):
    """One failed login attempt: when, the username tried (normalised) and the client address. Rows older
    than a day are pruned (operational counters, not registry records)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # naive UTC
    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
