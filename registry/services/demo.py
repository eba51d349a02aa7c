"""The demo district: the 12 real towns of 临淄区, the demo villages from
../shared/samples/divisions.csv (a copy ships in imports/divisions.csv) and one demo user per role."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import User
from registry.services.areas import area_by_code, load_divisions
from registry.services.calendar import load_default_holidays
from registry.services.users import DEMO_PASSWORD, create_user

DIVISIONS_CSV = Path(__file__).resolve().parents[2] / "imports" / "divisions.csv"

# (username, role, area code, display name)
DEMO_USERS = [
    ("clerk", "clerk", "370305100201", "东柳庄村文书"),
    ("clerk2", "clerk", "370305100202", "北槐村文书"),
    ("clerk3", "clerk", "370305102201", "后杨家村文书"),
    ("clerk4", "clerk", "370305100203", "西石桥村文书"),
    ("town", "town", "370305100000", "齐都镇农经站"),
    ("town2", "town", "370305102000", "皇城镇农经站"),
    ("district", "district", "370305000000", "区农业农村局"),
    ("admin", "admin", "370305000000", "系统管理员"),
]


def load_demo(session: Session) -> list[tuple[str, str, str, str]]:
    """Load divisions and create the demo users that do not exist yet.
    Returns ``(username, password, role, area name)`` for every demo user."""
    load_divisions(session, DIVISIONS_CSV)
    load_default_holidays(session)
    out = []
    for username, role, code, display in DEMO_USERS:
        area = area_by_code(session, code)
        if session.scalar(select(User).where(User.username == username)) is None:
            create_user(session, username, DEMO_PASSWORD, role, area, display, public_password=True)
        out.append((username, DEMO_PASSWORD, role, area.name))
    return out
