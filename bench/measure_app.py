"""Measurements on the generated district (run by ``bench/run.py``; prints one JSON object last).

    python -m bench.measure_app export DB ours|raw  filed-roster export of ~100k members, or raw XlsxWriter
    python -m bench.measure_app web DB             searches and pages through the Flask test client

A page that is not on this branch yet (the district member search, ``GET /search``, answers 404) is
recorded as ``{"unavailable": "<reason>"}``: the table shows "not available" for it.
"""
from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import app_for
from registry.pinyin import name_pinyin

EXPORT_MEMBERS = 100_000


def _pick_filings(session) -> tuple[list[int], int]:
    """The latest filed versions, in export order, until they hold ~100k members."""
    from sqlalchemy import func, select

    from registry.models import FilingItem
    from registry.services.exports import latest_filed_ids

    ids = latest_filed_ids(session, "370305")
    sizes = dict(session.execute(select(FilingItem.filing_id, func.count()).where(FilingItem.change != "ended")
                                 .group_by(FilingItem.filing_id)).all())
    picked, members = [], 0
    for fid in ids:
        if members >= EXPORT_MEMBERS:
            break
        picked.append(fid)
        members += sizes.get(fid, 0)
    return picked, members


def raw_xlsxwriter(cells: list[list], columns) -> None:
    """The same cells with XlsxWriter alone: constant memory, the same column formats, one write_row per
    row of already typed values (str / number / date / None)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False,
                                                  "default_format_properties": {"font_name": "宋体", "font_size": 11}})
    ws = workbook.add_worksheet("成员名册")
    formats = {"text": workbook.add_format({"num_format": "@"}),
               "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
               "number": workbook.add_format({})}
    for i, col in enumerate(columns):
        ws.set_column(i, i, 12, formats[col.cell])
    ws.write_row(0, 0, [c.heading for c in columns])
    for r, row in enumerate(cells, start=1):
        ws.write_row(r, 0, row)
    workbook.close()


def export(db_path: str, which: str) -> dict:
    """``which`` = "ours": the filed-roster export (read the snapshots + write the workbook);
    "raw": XlsxWriter alone writing the same cells, prepared beforehand (not timed)."""
    import gc

    from bench.measure import Clock
    from registry.excel import writer
    from registry.excel.columns import BY_KEY, STANDARD_COLUMNS
    from registry.extensions import db
    from registry.services.exports import filed_rows

    app = app_for(db_path)
    columns = [*STANDARD_COLUMNS, BY_KEY["village_code"]]
    with app.app_context():
        picked, members = _pick_filings(db.session)
        if which == "raw":
            # The very values our writer hands to XlsxWriter (typed: str / number / date / None).
            convert = [(c.heading, writer._typed_cell(writer._as_number) if c.cell == "number" else
                        writer._typed_cell(writer._as_date) if c.cell == "date" else writer._text_cell)
                       for c in columns]
            cells = [[f(row.get(h)) for h, f in convert]
                     for row in filed_rows(db.session, picked, with_village_code=True)]
            gc.collect()
            gc.freeze()  # the prepared cells are not garbage: keep the collector off them while timing
            with Clock() as clock:
                raw_xlsxwriter(cells, columns)
            return {"seconds": clock.wall, "cpu": clock.cpu, "members": members, "cells": len(cells) * len(columns)}
        with Clock() as clock:
            data = writer.write_roster_xlsx(filed_rows(db.session, picked, with_village_code=True),
                                            title="临淄区已备案成员名册", village_code=True)
        return {"seconds": clock.wall, "cpu": clock.cpu, "members": members, "bytes": len(data)}


def _login(app, client, username: str) -> None:
    from sqlalchemy import select

    from registry.extensions import db
    from registry.models import User

    with app.app_context():
        user_id = db.session.scalar(select(User).where(User.username == username)).get_id()  # "<id>:<version>"
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"], session["_fresh"] = user_id, True


def _times(client, urls: list[str], warm: int = 2, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of each GET (after ``warm`` untimed ones); this process's CPU seconds of
    each go to ``cpu`` (the test client runs the app in-process: a busy machine shows as wall ≫ CPU)."""
    for url in urls[:warm]:
        assert client.get(url).status_code == 200, url
    out = []
    for url in urls:
        t, c = time.perf_counter(), time.process_time()
        resp = client.get(url)
        out.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
        assert resp.status_code == 200, (url, resp.status_code)
    return out


def _times_if_there(client, urls: list[str], warm: int = 2, cpu: list[float] | None = None):
    """:func:`_times`, or ``{"unavailable": …}`` when the route does not exist (404) on this branch."""
    status = client.get(urls[0]).status_code
    if status == 404:
        return {"unavailable": f"GET {urls[0].split('?')[0]} answers 404 (not on this branch)"}
    return _times(client, urls, warm, cpu)


def _samples(app, n: int = 100):
    from sqlalchemy import select

    from registry.extensions import db
    from registry.models import Membership, Organization, Person

    rng = random.Random(5)
    with app.app_context():
        total = db.session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1))
        rows = []
        for pid in rng.sample(range(1, total + 1), n):
            rows.append(db.session.execute(select(Person.name, Person.id_tail, Organization.area_code)
                                           .join(Membership, Membership.person_id == Person.id)
                                           .join(Organization, Organization.id == Membership.organization_id)
                                           .where(Person.id == pid)).first())
    return [r for r in rows if r is not None]


def web(db_path: str) -> dict:
    from urllib.parse import quote

    from sqlalchemy import select

    from bench.make_district import REVIEW_VILLAGE
    from registry.extensions import db
    from registry.models import Filing

    app = app_for(db_path)
    client = app.test_client()
    samples = _samples(app)
    out = {}
    cpu = out["cpu"] = {}  # per-request CPU seconds, by measure
    _login(app, client, "district")
    out["search_name"] = _times_if_there(client, [f"/search?q={quote(name[:2])}" for name, _, _ in samples],
                                         cpu=cpu.setdefault("search_name", []))
    out["search_pinyin"] = _times_if_there(client, [f"/search?q={name_pinyin(name).initials}"
                                                    for name, _, _ in samples],
                                           cpu=cpu.setdefault("search_pinyin", []))
    out["search_tail"] = _times_if_there(client, [f"/search?q={tail}" for _, tail, _ in samples],
                                         cpu=cpu.setdefault("search_tail", []))
    out["roster_search"] = _times(client, [f"/villages/{code}/roster?q={quote(name[:2]) if k % 2 else tail}"
                                           for k, (name, tail, code) in enumerate(samples)],
                                  cpu=cpu.setdefault("roster_search", []))
    out["summary_screen"] = _times(client, ["/exports"] * 5, warm=1, cpu=cpu.setdefault("summary_screen", []))
    out["district_overview"] = _times(client, ["/district"] * 5, warm=1, cpu=cpu.setdefault("district_overview", []))
    # issue 12: the district dashboard (every figure a GROUP BY over the 300k members and the registers)
    out["dashboard"] = _times_if_there(client, ["/areas/370305000000/dashboard"] * 5, warm=1,
                                       cpu=cpu.setdefault("dashboard", []))
    out["summary_xlsx"] = _times(client, ["/exports/370305000000/summary.xlsx"] * 3, warm=1,
                                 cpu=cpu.setdefault("summary_xlsx", []))
    with app.app_context():
        review = db.session.scalar(select(Filing.id).where(Filing.area_code == REVIEW_VILLAGE,
                                                           Filing.state == "town_review"))
    _login(app, client, "town")
    out["review_page"] = _times(client, [f"/filings/{review}"] * 10, cpu=cpu.setdefault("review_page", []))
    out["review_filing"] = review
    return out


def summarise(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "n": len(ordered)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps({"export": export, "web": web}[command](*args)))
