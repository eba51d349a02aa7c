"""Generate the benchmark district (deterministic, seeded) and the 100k-row multi-village roster.

    .venv/bin/python bench/make_district.py [--out bench/out] [--seed 5] [--members 300000]
                                            [--villages 400] [--rows 100000] [--only db|xlsx|areas|land]

Writes, under ``--out``:
- ``district.db``: 临淄区 with its 12 towns, ~400 villages (12-digit codes), 300k people and members in
  100k collective households with hukou records, a filed roster version per village (FilingItem
  snapshots, district-recorded), assembly resolutions, audit history, users; one 1,500-member village
  (东柳庄村 370305100201) with a second version under town review (added / changed / ended members);
- ``areas.db``: the same areas and organisations only (the "empty-ish" database of the bulk load);
- ``roster_100k.xlsx``: the first 100k members in the sample layout plus a 村代码 column
  (XlsxWriter constant-memory);
- ``land_district.xlsx``: the land register of every village (≥ 300,000 parcels; ``bench/make_land.py``).

Rows are written with bulk Core inserts (executemany) in one transaction per table batch; primary keys
are assigned here, so no RETURNING round trips are needed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.district_data import REFORM_DATE, People, areas, village_sizes
from bench.make_land import write_land_workbook
from registry.pinyin import name_pinyin

OUT = Path(__file__).resolve().parent / "out"
REVIEW_VILLAGE = "370305100201"  # the town's review page benchmark: a 1,500-member version diff
REVIEW_SIZE = 1500
BATCH = 20_000
NOW = dt.datetime(2024, 6, 1, 9, 0, 0)
FILED_ON = dt.date(2024, 5, 20)


# --- the roster workbook ----------------------------------------------------------------------------------

def write_roster_workbook(path: Path, rows, *, title: str) -> int:
    """Write member rows (normalised values) in the sample layout plus 村代码; returns the row count.
    Text cells for IDs, household numbers and phones, date cells for dates, numbers for 组/序号/shares."""
    import xlsxwriter

    from registry.excel.columns import BY_KEY, STANDARD_COLUMNS
    from registry.excel.roster.validate import display_values

    columns = [*STANDARD_COLUMNS, BY_KEY["village_code"]]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("成员名册")
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    head = wb.add_format({"bold": True, "border": 1, "align": "center"})
    for i, col in enumerate(columns):
        ws.set_column(i, i, 20 if col.key in ("id_number", "hukou_place") else 10,
                      text if col.cell == "text" else None)
    ws.merge_range(0, 0, 0, len(columns) - 1, title, wb.add_format({"bold": True, "font_size": 16}))
    ws.write_row(1, 0, [c.heading for c in columns], head)
    n = 0
    for values in rows:
        n += 1
        shown = display_values(values, village_code=True)
        r = n + 1
        for i, col in enumerate(columns):
            v = values.get(col.key) if col.key != "seq" else n
            if v is None or v == "":
                continue
            if col.cell == "date":
                ws.write_datetime(r, i, dt.datetime.combine(v, dt.time()), date)
            elif col.cell == "number":
                ws.write_number(r, i, int(v))
            else:
                ws.write_string(r, i, shown[col.heading])
    wb.close()
    return n


def roster_rows(seed: int, members: int, villages: int, limit: int):
    """The first ``limit`` members of the district, village by village in code order."""
    area_rows = areas(seed, villages)
    names = {a.code: a.name for a in area_rows}
    vcodes = [a.code for a in area_rows if a.level == "village"]
    sizes = _sizes(vcodes, members, seed)
    people = People(seed)
    n = 0
    for a in area_rows:
        if a.level != "village":
            continue
        for values in people.village(a.code, a.name, names[a.parent_code], sizes[a.code]):
            if n >= limit:
                return
            n += 1
            yield values


def _sizes(vcodes, members, seed):
    sizes = village_sizes(vcodes, members, seed)
    if REVIEW_VILLAGE in sizes:
        delta = REVIEW_SIZE - sizes[REVIEW_VILLAGE]
        sizes[REVIEW_VILLAGE] = REVIEW_SIZE
        sizes[vcodes[-1]] -= delta
    return sizes


# --- the database -----------------------------------------------------------------------------------------

def make_app(path: Path):
    from registry import create_app

    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path.resolve()}")


def insert_areas(conn, area_rows) -> dict[str, tuple[int, int | None]]:
    """Areas and one organisation per village; returns ``{code: (area id, organisation id)}``."""
    from sqlalchemy import insert

    from registry.models import Area, Organization

    ids: dict[str, tuple[int, int | None]] = {}
    area_values, org_values = [], []
    by_code = {a.code: a for a in area_rows}
    for i, a in enumerate(area_rows, start=1):
        parent = ids[a.parent_code][0] if a.parent_code else None
        org_id = None
        if a.level == "village":
            org_id = len(org_values) + 1
            town = by_code[a.parent_code].name
            org_values.append({"id": org_id, "area_id": i, "name": f"临淄区{town}{a.name}股份经济合作社",
                               "level": "village", "area_code": a.code, "created_at": NOW, "updated_at": NOW})
        ids[a.code] = (i, org_id)
        area_values.append({"id": i, "code": a.code, "name": a.name, "level": a.level, "parent_id": parent,
                            "release_year": 2022})
    conn.execute(insert(Area), area_values)
    conn.execute(insert(Organization), org_values)
    return ids


def insert_users(conn, ids) -> dict[str, int]:
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from registry.models import User
    from registry.services.demo import DEMO_PASSWORD, DEMO_USERS

    hashed = generate_password_hash(DEMO_PASSWORD, method="scrypt")  # one hash, shared: bench only
    rows = [{"id": i, "username": u, "role": role, "area_id": ids[code][0], "display_name": name,
             "password_hash": hashed, "active": True, "created_at": NOW, "updated_at": NOW}
            for i, (u, role, code, name) in enumerate(DEMO_USERS, start=1)]
    conn.execute(insert(User), rows)
    return {r["username"]: r["id"] for r in rows}


class Writer:
    """Buffers rows per table and flushes them with executemany inserts."""

    def __init__(self, conn):
        from registry.models import (
            AuditEvent,
            Filing,
            FilingItem,
            Household,
            HouseholdMember,
            HukouRecord,
            Membership,
            Person,
            PublicNotice,
            Resolution,
        )

        self.conn = conn
        self.tables = {"person": Person, "household": Household, "link": HouseholdMember,
                       "hukou": HukouRecord, "membership": Membership, "notice": PublicNotice,
                       "resolution": Resolution, "filing": Filing, "item": FilingItem, "audit": AuditEvent}
        self.buffers: dict[str, list[dict]] = {k: [] for k in self.tables}
        self.next_id = dict.fromkeys(self.tables, 1)
        self.order = ["person", "household", "link", "hukou", "resolution", "notice", "filing", "membership",
                      "item", "audit"]

    def add(self, table: str, row: dict) -> int:
        row["id"] = self.next_id[table]
        self.next_id[table] += 1
        self.buffers[table].append(row)
        if len(self.buffers[table]) >= BATCH:
            self.flush()
        return row["id"]

    def flush(self) -> None:
        from sqlalchemy import insert

        for name in self.order:  # parents before children (foreign keys are on)
            rows = self.buffers[name]
            if rows:
                self.conn.execute(insert(self.tables[name]), rows)
                rows.clear()


def _audit(w: Writer, action: str, target_type: str, target_id: int, code: str, actor: int | None,
           at: dt.datetime, **detail) -> None:
    w.add("audit", {"at": at, "actor_id": actor, "action": action, "target_type": target_type,
                    "target_id": target_id, "area_code": code, "detail": detail})


def fill_village(w: Writer, people: People, area, town_name: str, org_id: int, size: int,
                 users: dict[str, int], with_resolution: bool) -> None:
    """One village: its households and members, the filed version 1 with its items and history."""
    from registry.excel.roster.validate import display_values

    code = area.code
    households: dict[str, int] = {}
    members = []
    for values in people.village(code, area.name, town_name, size):
        born = values["birth_date"]
        pid = w.add("person", {"id_type": values["id_type"], "id_number": values["id_number"],
                               "name": values["name"], "sex": values["sex"], "birth_date": born,
                               "phone": values["phone"], "id_tail": values["id_number"][-4:],
                               "name_pinyin": name_pinyin(values["name"]).full,
                               "name_initials": name_pinyin(values["name"]).initials,
                               "created_at": NOW, "updated_at": NOW, "version": 1})
        number = values["household_no"]
        hid = households.get(number)
        if hid is None:
            hid = households[number] = w.add("household", {
                "organization_id": org_id, "number": number, "group_code": values["group"],
                "created_at": NOW, "updated_at": NOW, "version": 1})
        w.add("link", {"household_id": hid, "person_id": pid, "relation": values["relation"],
                       "is_head": values["relation"] == "02", "valid_from": REFORM_DATE})
        w.add("hukou", {"person_id": pid, "place": values["hukou_place"],
                        "in_organization": values["hukou_in_village"],
                        "organization_id": org_id if values["hukou_in_village"] else None,
                        "moved_to_town": False, "created_at": NOW, "updated_at": NOW})
        members.append((pid, hid, values))

    resolution_id = None
    clerk = users.get("clerk") if code == REVIEW_VILLAGE else None
    if with_resolution:
        n = len(members)
        resolution_id = w.add("resolution", {
            "organization_id": org_id, "body": "member_assembly", "subject": "membership_confirmation",
            "title": "成员身份确认", "notice_date": dt.date(2024, 4, 1), "meeting_date": dt.date(2024, 4, 20),
            "base_members": n, "attendees": n * 4 // 5, "votes_for": n * 3 // 4, "passed": True,
            "recorded_by_id": clerk, "created_at": NOW, "updated_at": NOW, "version": 1})
    filing_id = w.next_id["filing"]
    notice_id = w.add("notice", {"organization_id": org_id, "filing_id": filing_id,
                                 "posted_on": dt.date(2024, 3, 20), "starts_on": dt.date(2024, 3, 21),
                                 "ends_on": dt.date(2024, 3, 29), "working_days": 7, "place": "村务公开栏",
                                 "created_at": NOW, "updated_at": NOW})
    w.add("filing", {"organization_id": org_id, "version_no": 1, "state": "district_filed", "area_code": code,
                     "notice_id": notice_id, "resolution_id": resolution_id,
                     "submitted_at": dt.datetime(2024, 5, 1, 10), "submitted_by_id": clerk,
                     "town_recorded_at": dt.datetime(2024, 5, 10, 15),
                     "district_recorded_at": dt.datetime(2024, 5, 20, 9),
                     "filed_on": FILED_ON, "created_at": NOW, "updated_at": NOW, "version": 1})
    for seq, (pid, hid, values) in enumerate(members, start=1):
        v = values
        mid = w.add("membership", {
            "person_id": pid, "organization_id": org_id, "household_id": hid, "status": "confirmed",
            "acquisition_ground": v["acquisition_ground"], "acquired_at": v["acquired_at"], "remark": v["remark"],
            "group_code": v["group"], "population_shares": v["population_shares"],
            "farm_age_shares": v["farm_age_shares"], "total_shares": v["total_shares"], "notes": v["notes"],
            "retention_flags": "", "resolution_id": resolution_id,
            "confirmed_at": dt.date(2024, 4, 20) if resolution_id else v["acquired_at"],
            "created_at": NOW, "updated_at": NOW, "version": 1})
        w.add("item", {"filing_id": filing_id, "membership_id": mid, "change": "added",
                       "data": display_values({**v, "seq": seq}, village_code=False)})
        if resolution_id:
            _audit(w, "membership.confirmed", "membership", mid, code, clerk, dt.datetime(2024, 4, 21, 9),
                   old="pending", new="confirmed", resolution_id=resolution_id, rule="M-02")
    _audit(w, "roster.import", "organization", org_id, code, clerk, dt.datetime(2024, 3, 1, 9), rows=len(members),
           created=len(members), updated=0, unchanged=0)
    steps = [("filing.created", None, "draft"), ("filing.start_notice", "draft", "on_notice"),
             ("filing.end_notice", "on_notice", "awaiting_assembly"),
             ("filing.record_resolution" if resolution_id else "filing.confirm_without_resolution",
              "awaiting_assembly", "confirmed"),
             ("filing.submit", "confirmed", "town_review"), ("filing.town_record", "town_review", "town_filed"),
             ("filing.district_receive", "town_filed", "district_filed")]
    for k, (action, old, new) in enumerate(steps):
        _audit(w, action, "filing", filing_id, code, clerk, dt.datetime(2024, 3, 1 + k * 4, 10),
               version_no=1, old=old, new=new)
    _audit(w, "notice.posted", "public_notice", notice_id, code, clerk, dt.datetime(2024, 3, 20, 10))


def make_district(path: Path, *, seed: int, members: int, villages: int) -> dict:
    """Create ``path`` with the full district; returns counts."""
    from registry.extensions import db
    from registry.services.calendar import load_default_holidays

    app = make_app(path)
    area_rows = areas(seed, villages)
    names = {a.code: a.name for a in area_rows}
    vareas = [a for a in area_rows if a.level == "village"]
    sizes = _sizes([a.code for a in vareas], members, seed)
    people = People(seed)
    with app.app_context():
        db.create_all()
        load_default_holidays(db.session)
        db.session.commit()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # filings <-> public_notices cycle
            ids = insert_areas(conn, area_rows)
            users = insert_users(conn, ids)
            w = Writer(conn)
            for k, a in enumerate(vareas):
                fill_village(w, people, a, names[a.parent_code], ids[a.code][1], sizes[a.code], users,
                             with_resolution=k % 3 == 0)
            w.flush()
        from bench.review_version import make_review_versions

        review = make_review_versions(db.session, seed=seed)
        db.session.commit()
        counts = {"villages": len(vareas), "people": w.next_id["person"] - 1,
                  "households": w.next_id["household"] - 1, "filing_items": w.next_id["item"] - 1,
                  "audit_events": w.next_id["audit"] - 1, **review}
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    return counts


def make_areas_db(path: Path, *, seed: int, villages: int) -> None:
    """The district's areas and organisations only (plus users and holidays)."""
    from registry.extensions import db
    from registry.services.calendar import load_default_holidays

    app = make_app(path)
    with app.app_context():
        db.create_all()
        load_default_holidays(db.session)
        db.session.commit()
        with db.engine.begin() as conn:
            ids = insert_areas(conn, areas(seed, villages))
            insert_users(conn, ids)
        db.engine.dispose()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--members", type=int, default=300_000)
    p.add_argument("--villages", type=int, default=400)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--only", choices=("db", "xlsx", "areas", "land"))
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    if args.only in (None, "xlsx"):
        t = time.perf_counter()
        path = args.out / f"roster_{args.rows // 1000}k.xlsx"
        n = write_roster_workbook(path, roster_rows(args.seed, args.members, args.villages, args.rows),
                                  title="临淄区农村集体经济组织成员名册（多村）")
        print(f"{path}: {n} rows in {time.perf_counter() - t:.1f} s", flush=True)
    if args.only in (None, "land"):
        t = time.perf_counter()
        path = args.out / "land_district.xlsx"
        counts = write_land_workbook(path, roster_rows(args.seed, args.members, args.villages, args.members),
                                     seed=args.seed, title="临淄区农村土地承包经营权台账")
        print(f"{path}: {counts} in {time.perf_counter() - t:.1f} s", flush=True)
    if args.only in (None, "areas"):
        t = time.perf_counter()
        make_areas_db(args.out / "areas.db", seed=args.seed, villages=args.villages)
        print(f"{args.out / 'areas.db'}: areas only in {time.perf_counter() - t:.1f} s", flush=True)
    if args.only in (None, "db"):
        t = time.perf_counter()
        counts = make_district(args.out / "district.db", seed=args.seed, members=args.members,
                               villages=args.villages)
        print(f"{args.out / 'district.db'}: {counts} in {time.perf_counter() - t:.1f} s", flush=True)


if __name__ == "__main__":
    main()
