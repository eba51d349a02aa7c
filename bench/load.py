"""Load test: the app under gunicorn (4 workers on 127.0.0.1) and 50 simulated users for 60 s.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py                      # SQLite file in a temporary directory
    .venv/bin/python bench/load.py --db-url postgresql+psycopg://user:pw@127.0.0.1:54329/db
                                                        # a fresh schema in that database, dropped after

Setup (not timed): a fresh database through the migrations, the demo district, the three sample rosters
imported, 60 extra villages of 齐都镇 (--villages) whose roster filings wait for town review, and one account per
simulated user (clerks, town officers, district officers). Every user logs in, then loops — with a think
time between requests — over its role's mix:

    clerk     browse the roster (random page), search (name / ID tail), open a member, import preview
    town      town overview, filing inbox, open a filing, approve it (record, with its CSRF token and version)
    district  district overview, exports page, audit log, filing inbox

until the duration or the request budget runs out. Prints requests, errors (5xx, failed connections,
unexpected answers), expected conflicts (two officers approving the same filing: 409 or a refusal),
throughput and p50/p95/p99 latency per action, then verifies the database: the previews wrote nothing,
every successful approval recorded exactly one filing with exactly one audit event.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
sys.path.insert(0, str(ROOT))

ROSTERS = {"370305100201": "roster_370305100201.xlsx", "370305100202": "roster_370305100202.xlsx",
           "370305102201": "roster_370305102201.xlsx"}
TOWN = "370305100000"
PASSWORD = "bench-password-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
FILING_LINK = re.compile(r'href="/filings/(\d+)"')
MEMBER_LINK = re.compile(r'href="(/villages/\d{12}/members/\d+)"')


# --- setup --------------------------------------------------------------------------------------------------

def setup_database(url: str, users: dict[str, int], extra_villages: int) -> dict[str, int]:
    """Schema, demo district, sample rosters, villages awaiting review, bench accounts; returns counts."""
    os.environ["FLASK_SQLALCHEMY_DATABASE_URI"] = url
    from sqlalchemy import func, select

    from registry import create_app
    from registry.extensions import db
    from registry.models import Area, Filing, Membership, Organization, Person
    from registry.schema import upgrade_schema
    from registry.services.areas import area_by_code, organization_for_village
    from registry.services.demo import load_demo
    from registry.services.roster.importer import import_roster
    from registry.services.users import create_user

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade_schema()
        load_demo(db.session)
        for code, name in ROSTERS.items():
            org = organization_for_village(db.session, code)
            report = import_roster(db.session, (SAMPLES / name).read_bytes(), org, actor=None)
            assert report.committed, report.errors[:3]
        town = area_by_code(db.session, TOWN)
        for i in range(extra_villages):
            code = f"370305100{300 + i:03d}"
            area = Area(code=code, name=f"压测{i + 1}村", level="village", parent_id=town.id)
            db.session.add(area)
            db.session.flush()
            org = Organization(area_id=area.id, name=f"压测{i + 1}村股份经济合作社", area_code=code)
            db.session.add(org)
            db.session.flush()
            db.session.add(Filing(organization_id=org.id, version_no=1, state="town_review", area_code=code))
        villages = list(ROSTERS)
        for role, n in users.items():
            for i in range(n):
                code = {"clerk": villages[i % len(villages)], "town": TOWN, "district": "370305000000"}[role]
                create_user(db.session, f"{role}_b{i:02d}", PASSWORD, role, area_by_code(db.session, code))
        db.session.commit()
        counts = {"persons": db.session.scalar(select(func.count()).select_from(Person)),
                  "memberships": db.session.scalar(select(func.count()).select_from(Membership)),
                  "filings_waiting": db.session.scalar(select(func.count()).select_from(Filing)
                                                       .where(Filing.state == "town_review"))}
        db.engine.dispose()
    return counts


def verify_database(url: str, before: dict[str, int], approved: int) -> list[str]:
    """Problems found after the run ([] = consistent)."""
    from sqlalchemy import func, select

    from registry import create_app
    from registry.extensions import db
    from registry.models import AuditEvent, Filing, Membership, Person

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    problems = []
    with app.app_context():
        count = db.session.scalar
        if count(select(func.count()).select_from(Person)) != before["persons"]:
            problems.append("persons changed (previews must write nothing)")
        if count(select(func.count()).select_from(Membership)) != before["memberships"]:
            problems.append("memberships changed (previews must write nothing)")
        filed = count(select(func.count()).select_from(Filing).where(Filing.state == "town_filed"))
        events = count(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "filing.town_record"))
        distinct = count(select(func.count(func.distinct(AuditEvent.target_id)))
                         .where(AuditEvent.action == "filing.town_record"))
        if not filed == events == distinct == approved:
            problems.append(f"approvals: {approved} answered 302, {filed} filings recorded, {events} audit events "
                            f"for {distinct} filings")
        db.engine.dispose()
    return problems


# --- the simulated users ------------------------------------------------------------------------------------

class User:
    """One browser: a cookie jar, a CSRF token, a connection per request (gunicorn sync workers close it)."""

    def __init__(self, port: int, username: str, role: str, stats, budget, clock, think: float):
        self.port, self.username, self.role = port, username, role
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.stats, self.budget, self.clock, self.think = stats, budget, clock, think
        self.rng = random.Random(username)
        self.village = ""

    def request(self, action: str, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None, ok=(200, 302), measured: bool = True):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            html = resp.read().decode("utf-8", "replace")
            status = resp.status
            for header, value in resp.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            conn.close()
        except OSError as exc:
            status, html = 0, str(exc)
        elapsed = time.perf_counter() - started
        if measured:
            self.stats.record(action, status, elapsed, ok)
        token = CSRF.search(html)
        if token:
            self.csrf = token.group(1) or token.group(2)
        return status, html

    def form(self, action: str, path: str, fields: dict[str, str], ok=(200, 302), measured: bool = True):
        from urllib.parse import urlencode

        body = urlencode({**fields, "csrf_token": self.csrf}).encode()
        return self.request(action, "POST", path, body, "application/x-www-form-urlencoded", ok, measured)

    def login(self) -> bool:
        self.request("login page", "GET", "/login", measured=False)
        status, _ = self.form("login", "/login", {"username": self.username, "password": PASSWORD},
                              ok=(302,), measured=False)
        status, html = self.request("home", "GET", "/", measured=False)
        if status == 302:
            for header_match in re.finditer(r"/villages/(\d{12})/roster", html):
                self.village = header_match.group(1)
        return status in (200, 302)

    def run(self) -> None:
        logged_in = self.login()
        self.clock.ready.wait()  # everybody logs in (scrypt) before the measured phase starts
        self.clock.go.wait()
        if not logged_in:
            self.stats.record("login", 0, 0.0, (302,))
            return
        time.sleep(self.rng.uniform(0, self.think))  # users arrive spread over one think time
        while time.monotonic() < self.clock.deadline and self.budget.take():
            getattr(self, f"step_{self.role}")()
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    # clerk: browse, search, member, import preview
    def step_clerk(self) -> None:
        village = self.village or "370305100201"
        pick = self.rng.random()
        if pick < 0.40:
            self.request("roster page", "GET", f"/villages/{village}/roster?page={self.rng.randint(1, 8)}")
        elif pick < 0.65:
            q = self.rng.choice(["张", "王", "李", "刘", "0012", "1234", "5678"])
            from urllib.parse import quote

            self.request("search", "GET", f"/villages/{village}/roster?q={quote(q)}")
        elif pick < 0.90:
            _, html = self.request("roster page", "GET", f"/villages/{village}/roster")
            links = MEMBER_LINK.findall(html)
            if links:
                self.request("member", "GET", self.rng.choice(links))
        else:
            self.import_preview(village)

    def import_preview(self, village: str) -> None:
        self.request("import form", "GET", f"/villages/{village}/import", measured=False)
        boundary = uuid.uuid4().hex
        data = (SAMPLES / ROSTERS.get(village, "roster_370305100201.xlsx")).read_bytes()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{self.csrf}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.xlsx\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        self.request("import preview", "POST", f"/villages/{village}/import", body,
                     f"multipart/form-data; boundary={boundary}", ok=(200,))

    # town: overview, inbox, filing, approve
    def step_town(self) -> None:
        pick = self.rng.random()
        if pick < 0.15:
            self.request("town overview", "GET", f"/towns/{TOWN}")
        elif pick < 0.45:
            self.request("inbox", "GET", "/town/filings")
        else:
            _, html = self.request("inbox", "GET", "/town/filings")
            waiting = FILING_LINK.findall(html.split("最近", 1)[0])
            if not waiting:
                return
            filing = self.rng.choice(waiting[:20])
            status, page = self.request("filing", "GET", f"/filings/{filing}")
            version = VERSION.search(page)
            if status == 200 and version and pick > 0.55:
                # Another officer may have recorded it meanwhile: 409 or the refusal page (200) are expected.
                status, _ = self.form("approve", f"/filings/{filing}/record", {"version": version.group(1)},
                                      ok=(302, 409, 200))
                self.stats.approval(status)

    # district: overview, exports, audit, inbox
    def step_district(self) -> None:
        path = self.rng.choice(["/district", "/exports", "/audit", "/district/filings"])
        self.request({"/district": "district overview", "/exports": "exports page", "/audit": "audit log",
                      "/district/filings": "district inbox"}[path], "GET", path)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.approved = self.conflicts = 0

    def record(self, action, status, elapsed, ok):
        with self.lock:
            self.latency[action].append(elapsed)
            if status not in ok or status >= 500 or status == 0:
                self.errors[f"{action} → {status}"] += 1

    def approval(self, status):
        with self.lock:
            if status == 302:
                self.approved += 1
            else:
                self.conflicts += 1


class Clock:
    """The measured phase: starts when every user has logged in."""

    def __init__(self, users: int):
        self.ready = threading.Barrier(users + 1)
        self.go = threading.Event()
        self.deadline = 0.0


class Budget:
    def __init__(self, n: int):
        self.n, self.lock = n, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.n -= 1
            return self.n >= 0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


# --- main -----------------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db-url", help="PostgreSQL database to use (a fresh schema is created and dropped)")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--max-requests", type=int, default=20_000)
    ap.add_argument("--think", type=float, default=5.0, help="mean think time between a user's requests, s")
    ap.add_argument("--port", type=int, default=58123)
    ap.add_argument("--villages", type=int, default=60, help="extra villages of 齐都镇 with a filing awaiting review")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="registry-load-"))
    schema = None
    if args.db_url:
        from sqlalchemy import create_engine, text

        schema = f"bench_{os.getpid()}"
        admin = create_engine(args.db_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.db_url else "?"
        url = f"{args.db_url}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp / 'load.db'}"
    n_clerk = n_town = args.users * 2 // 5
    users = {"clerk": n_clerk, "town": n_town, "district": args.users - n_clerk - n_town}
    uploads = ROOT / "instance" / "uploads"
    uploads_before = set(uploads.glob("*")) if uploads.exists() else set()
    server = None
    try:
        started = time.perf_counter()
        before = setup_database(url, users, extra_villages=args.villages)
        print(f"setup {time.perf_counter() - started:.1f} s: {before}", flush=True)
        env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": url, "FLASK_SECRET_KEY": secrets.token_hex(32)}
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        server = subprocess.Popen([gunicorn, "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}",
                                   "--log-level", "warning", "registry:create_app()"], cwd=ROOT, env=env)
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        stats, budget, clock = Stats(), Budget(args.max_requests), Clock(args.users)
        sims = [User(args.port, f"{role}_b{i:02d}", role, stats, budget, clock, args.think)
                for role, n in users.items() for i in range(n)]
        threads = [threading.Thread(target=u.run) for u in sims]
        for t in threads:
            t.start()
        clock.ready.wait()
        clock.deadline = time.monotonic() + args.duration
        clock.go.set()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    all_lat = [x for v in stats.latency.values() for x in v]
    total, errors = len(all_lat), sum(stats.errors.values())
    print(f"\n{args.users} users, {args.workers} gunicorn workers, {wall:.0f} s, think {args.think} s, "
          f"database {'PostgreSQL' if schema else 'SQLite'}")
    print(f"requests {total}  ({total / wall:.1f}/s)   errors {errors}   approvals {stats.approved}   "
          f"conflicts {stats.conflicts}")
    print(f"latency ms: p50 {pct(all_lat, 50):.0f}  p95 {pct(all_lat, 95):.0f}  p99 {pct(all_lat, 99):.0f}")
    print(f"{'action':18s} {'n':>6s} {'p50':>6s} {'p95':>6s} {'max':>6s}")
    for action, lat in sorted(stats.latency.items()):
        print(f"{action:18s} {len(lat):6d} {pct(lat, 50):6.0f} {pct(lat, 95):6.0f} {max(lat) * 1000:6.0f}")
    for what, n in sorted(stats.errors.items()):
        print(f"  error: {what} ×{n}")
    problems = verify_database(url, before, stats.approved)
    print("database verified: " + ("ok" if not problems else "; ".join(problems)))
    for path in (set(uploads.glob("*")) if uploads.exists() else set()) - uploads_before:
        path.unlink(missing_ok=True)
    if schema:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"p95 target 200 ms: {'met' if pct(all_lat, 95) <= 200 else 'NOT met'}")
    return 0 if not errors and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
