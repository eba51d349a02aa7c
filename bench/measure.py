"""One measurement per process (run by ``bench/run.py``; prints one JSON object on its last line).

    python -m bench.measure calamine FILE          raw python-calamine read: open, load, iterate all rows
    python -m bench.measure import FILE DB         import-roster --area 370305 into DB (a copy of areas.db)
    python -m bench.measure floor FILE DB          raw sqlite3 executemany of the same rows (no checks)

Time is ``perf_counter`` around the operation only (imports and app start-up excluded). Memory is the
peak resident set size (``ru_maxrss``) minus the resident size just before the operation, i.e. what
the operation itself added; both figures are reported.

A measure whose code is not there yet (the multi-village import) prints
``{"unavailable": "<reason>"}`` and exits 0: the table shows "not available" for it.
"""
from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AREA = "370305"  # 临淄区: the bulk load imports the whole district's file


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _result(seconds: float, before: float, cpu: float, **extra) -> dict:
    return {"seconds": seconds, "cpu": cpu, "rss_before_mb": before, "peak_mb": peak_mb(),
            "added_mb": peak_mb() - before, **extra}


class Clock:
    """Wall time and this process's CPU time (less sensitive to other processes on a busy machine)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def unavailable(reason: str) -> dict:
    return {"unavailable": reason}


def calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    data = Path(path).read_bytes()
    before = rss_mb()
    with Clock() as clock:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sum(1 for _ in sheet.iter_rows())
    return _result(clock.wall, before, clock.cpu, rows=rows)


def app_for(db_path: str):
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    from registry import create_app

    return create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(db_path).resolve()}")


def load_import_area_roster():
    """The multi-village import, or None while it is not on this branch."""
    try:
        from registry.services.roster.area_import import import_area_roster
    except ImportError:
        return None
    return import_area_roster


def import_file(path: str, db_path: str) -> dict:
    import_area_roster = load_import_area_roster()
    if import_area_roster is None:
        return unavailable("registry.services.roster.area_import.import_area_roster is not on this branch")
    from registry.extensions import db
    from registry.services.areas import area_by_code
    from registry.services.roster.importer import read_limits

    app = app_for(db_path)
    data = Path(path).read_bytes()
    with app.app_context():
        area = area_by_code(db.session, AREA)
        limits = read_limits(app.config)  # the limits the CLI and the upload use
        db.session.connection()  # open the connection (pragmas) outside the timing
        before = rss_mb()
        with Clock() as clock:
            report = import_area_roster(db.session, data, area, actor=None, filename=Path(path).name, **limits)
            db.session.commit()
        if not report.committed:
            raise SystemExit(f"import not committed: {report.errors[:5]}")
        return _result(clock.wall, before, clock.cpu, rows=report.rows_read, created=report.created,
                       updated=report.updated, unchanged=report.unchanged,
                       villages=getattr(report, "villages", None), households=report.households)


#: Columns of the floor's plain inserts (registry/models: persons, households, household_members,
#: hukou_records, memberships); timestamps in SQLAlchemy's SQLite text format.
NOW = "2026-01-01 00:00:00.000000"


def _checked_columns(path: str) -> tuple[dict[str, list], int]:
    """The file read and checked by the app's own reader and validator (not timed): the normalised
    values of the accepted rows, one list per key; and the number of rejected rows."""
    from registry.excel.reader import read_roster
    from registry.excel.roster.validate import validate_roster

    check = validate_roster(read_roster(Path(path).read_bytes()).rows())
    accepted = [r.values for r in check.rows if r.ok]
    keys = accepted[0].keys() if accepted else ()
    return {k: [v[k] for v in accepted] for k in keys}, len(check.rows) - len(accepted)


def floor(path: str, db_path: str) -> dict:
    """The same rows written with the plain sqlite3 module (prepared tuples, no SQLAlchemy, no checks):
    what SQLite alone costs for persons, households, household links, hukou records and memberships.
    Reading and validating (``read_roster`` + ``validate_roster``) happen before the clock starts."""
    import sqlite3

    c, rejected = _checked_columns(path)
    n = len(c["name"])
    con = sqlite3.connect(db_path)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        con.execute(f"PRAGMA {pragma}")
    orgs = dict(con.execute("SELECT area_code, id FROM organizations"))
    org = [orgs[v] for v in c["village_code"]]
    iso = [d.isoformat() if d else None for d in c["birth_date"]]
    acquired = [d.isoformat() if d else None for d in c["acquired_at"]]
    lost = [d.isoformat() if d else None for d in c["lost_at"]]
    status = [s or ("confirmed" if g == "reform" else "pending") for s, g in zip(c["status"], c["acquisition_ground"])]
    confirmed = [a if s == "confirmed" else None for a, s in zip(acquired, status)]
    group = [None if g is None else str(g) for g in c["group"]]
    shares = [[None if x is None else float(x) for x in c[k]]
              for k in ("population_shares", "farm_age_shares", "total_shares")]
    citation = [b if g == "charter_or_law" else None for b, g in zip(c["loss_basis"], c["loss_ground"])]
    evidence = [b if g not in (None, "charter_or_law") else None for b, g in zip(c["loss_basis"], c["loss_ground"])]
    now = [NOW] * n
    with Clock() as clock:
        con.executemany("INSERT INTO persons (name, sex, birth_date, phone, id_type, id_number_legacy, id_number,"
                        " id_tail, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?)",
                        zip(c["name"], c["sex"], iso, c["phone"], c["id_type"], c["id_original"], c["id_number"],
                            [i[-4:] for i in c["id_number"]], now, now))
        pid = dict(con.execute("SELECT id_number, id FROM persons"))
        households = dict.fromkeys(zip(org, c["household_no"]))
        for key, g in zip(zip(org, c["household_no"]), group):
            if households[key] is None:
                households[key] = g
        con.executemany("INSERT INTO households (organization_id, number, group_code, version, created_at,"
                        " updated_at) VALUES (?,?,?,1,?,?)", [(*k, g, NOW, NOW) for k, g in households.items()])
        hid = {(o, num): i for i, o, num in con.execute("SELECT id, organization_id, number FROM households")}
        person = [pid[i] for i in c["id_number"]]
        household = [hid[k] for k in zip(org, c["household_no"])]
        con.executemany("INSERT INTO household_members (household_id, person_id, relation, is_head, valid_from)"
                        " VALUES (?,?,?,?,'2026-01-01')",
                        zip(household, person, c["relation"], [r in ("01", "02") for r in c["relation"]]))
        con.executemany("INSERT INTO hukou_records (person_id, place, in_organization, organization_id,"
                        " moved_to_town, created_at, updated_at) VALUES (?,?,?,?,0,?,?)",
                        zip(person, c["hukou_place"], c["hukou_in_village"], org, now, now))
        con.executemany("INSERT INTO memberships (person_id, organization_id, household_id, status,"
                        " acquisition_ground, acquired_at, loss_ground, lost_at, loss_citation, loss_evidence,"
                        " remark, group_code, population_shares, farm_age_shares, total_shares, notes,"
                        " retention_flags, confirmed_at, version, created_at, updated_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'',?,1,?,?)",
                        zip(person, org, household, status, c["acquisition_ground"], acquired, c["loss_ground"],
                            lost, citation, evidence, c["remark"], group, *shares, c["notes"], confirmed,
                            now, now))
        con.commit()
    con.close()
    return {"seconds": clock.wall, "cpu": clock.cpu, "rows": n, "rejected": rejected,
            "households": len(households)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"calamine": calamine, "import": import_file, "floor": floor}[command](*args)
    print(json.dumps(result))
