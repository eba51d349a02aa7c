"""Areas and organisations: loading the division list (../shared/samples/divisions.csv format)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Area, Organization


def load_divisions(session: Session, source: Path | str | io.TextIOBase, *, release_year: int = 2022) -> int:
    """Create missing areas from a ``code,name,level,parent_code`` CSV (UTF-8) and one
    village-level organisation per village. Returns the number of areas created.
    Raises ``ValueError`` for a malformed code or an unknown parent."""
    if isinstance(source, (str, Path)):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        text = source.read()
    existing = {a.code: a for a in session.scalars(select(Area))}
    created = 0
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip()
        if len(code) != 12 or not code.isdigit():
            raise ValueError(f"区划代码必须是12位数字：{code}")
        if code in existing:
            continue
        parent = existing.get((row.get("parent_code") or "").strip())
        if row.get("parent_code") and parent is None:
            raise ValueError(f"上级区划不存在：{row['parent_code']}")
        area = Area(code=code, name=row["name"].strip(), level=row["level"].strip(), parent=parent,
                    release_year=release_year)
        session.add(area)
        existing[code] = area
        created += 1
        if area.level == "village":
            town = parent.name if parent else ""
            session.add(Organization(area=area, area_code=code, level="village",
                                     name=f"临淄区{town}{area.name}股份经济合作社"))
    session.flush()
    return created


def organization_for_village(session: Session, code: str) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.area_code == code))


def area_by_code(session: Session, code: str) -> Area | None:
    """Look up an area by its 12-digit code, or by a 6/9-digit prefix (district/town)."""
    code = code.strip()
    if len(code) == 6:
        code += "000000"
    elif len(code) == 9:
        code += "000"
    return session.scalar(select(Area).where(Area.code == code))
