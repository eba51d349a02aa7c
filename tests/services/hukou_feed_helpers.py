"""The hukou feed tests' setting (issue 12 item 6): the three clean sample villages with their rosters and
rights registers imported, a generated change list (xlsx, UTF-8 and GBK CSV) and a snapshot of every
membership and right, to prove that the feed changes none of them (H-01)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from sqlalchemy import select

from registry.models import CoHolder, Homestead, LandContract, Membership, Parcel, Person, ShareHolding
from registry.models.land import Circulation
from registry.services.areas import organization_for_village
from registry.services.homesteads.importer import import_homesteads
from registry.services.land.importer import import_land
from registry.services.roster.importer import import_roster
from registry.services.shares.importer import import_shares
from tests.conftest import SAMPLES, make_id

RIGHTS = SAMPLES / "rights"
VILLAGES = ("370305100201", "370305100202", "370305102201")  # 2 in 齐都镇, 1 in 皇城镇
IMPORTED_ON = dt.date(2026, 1, 5)
HEADER = ("身份证号", "姓名", "变动类型", "变动日期", "迁往地")
UNKNOWN_IDS = (make_id(birth="19700101", seq="991"), make_id(birth="19710202", seq="992"))


def three_villages(db) -> dict[str, object]:
    """The three clean sample villages: roster, land, homesteads and shares imported and committed."""
    orgs = {}
    for code in VILLAGES:
        org = organization_for_village(db.session, code)
        assert import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), org, actor=None,
                             today=IMPORTED_ON).committed
        assert import_land(db.session, (RIGHTS / f"land_{code}.xlsx").read_bytes(), org, actor=None,
                           today=IMPORTED_ON).committed
        assert import_homesteads(db.session, (RIGHTS / f"homestead_{code}.xlsx").read_bytes(), org, actor=None,
                                 today=IMPORTED_ON).committed
        assert import_shares(db.session, (RIGHTS / f"shares_{code}.xlsx").read_bytes(), org, actor=None,
                             today=IMPORTED_ON).committed
        db.session.commit()
        orgs[code] = org
    return orgs


def confirmed_people(db, code: str, n: int) -> list[Person]:
    """``n`` confirmed members of the village (by membership id), their Person rows."""
    org = organization_for_village(db.session, code)
    stmt = (select(Person).join(Membership, Membership.person_id == Person.id)
            .where(Membership.organization_id == org.id, Membership.status == "confirmed")
            .order_by(Membership.id).limit(n))
    return list(db.session.scalars(stmt))


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every membership and right table (the feed must leave them all as they are)."""
    out = {}
    for model in (Membership, LandContract, Parcel, CoHolder, Circulation, Homestead, ShareHolding):
        table = model.__table__
        out[table.name] = sorted(tuple(row) for row in db.session.execute(select(table)))
    return out


def full_width(text: str) -> str:
    """The ID as a Chinese input method types it: full-width digits and letters, a lower-case x."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text.replace("X", "x"))


def xlsx_bytes(rows, *, header=HEADER, title: str | None = "临淄区公安分局户籍变动清单") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, *, encoding: str = "utf-8", header=HEADER) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return buf.getvalue().encode(encoding)
