"""Dividend round benchmark (issue 16; run by ``bench/run.py``, prints one JSON object on its last line).

    python -m bench.measure_dividends [HOLDERS]

Builds its own SQLite file (the demo district plus one village with HOLDERS holder households, 100,000
by default, each with a 人口股 and a 农龄股 holding), then times, each in its own transaction:
``dry_run`` (compute the round: units as of the record date, exact allocation S-12), ``apply`` (the
draft round with all its lines, committed), and the payment sheet: ``sheet`` (ours, from the stored
lines) against ``raw`` (plain XlsxWriter writing the same rows as bare values, constant memory).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VILLAGE = "370305100201"


def _setup(db_path: str, holders: int):
    os.environ.setdefault("FLASK_SECRET_KEY", "bench")
    from sqlalchemy import insert, select

    from registry import create_app
    from registry.extensions import db
    from registry.models import Household
    from registry.models.shares import ShareHolding
    from registry.services.areas import organization_for_village
    from registry.services.demo import load_demo

    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}")
    ctx = app.app_context()
    ctx.push()
    db.create_all()
    load_demo(db.session)
    org = organization_for_village(db.session, VILLAGE)
    db.session.execute(insert(Household), [{"organization_id": org.id, "number": f"{i:06d}"}
                                           for i in range(1, holders + 1)])
    ids = list(db.session.scalars(select(Household.id).where(Household.organization_id == org.id)))
    start = dt.date(2019, 9, 26)
    rows = []
    for n, hid in enumerate(ids):
        for share_type, units in (("population", Decimal(1 + n % 6)), ("farm_age", Decimal(n % 997) / 4)):
            rows.append({"organization_id": org.id, "area_code": VILLAGE, "household_id": hid,
                         "share_type": share_type, "units": units, "valid_from": start,
                         "event": "quantification", "ground": "bench"})
    db.session.execute(insert(ShareHolding), rows)
    db.session.commit()
    return app, db, org


def main(argv: list[str]) -> None:
    holders = int(argv[0]) if argv else 100_000
    import xlsxwriter
    from sqlalchemy import select

    from registry.excel.shares.payments import write_payment_sheet
    from registry.models.shares import DividendLine
    from registry.services.dividends.rounds import compute, create_round

    with tempfile.TemporaryDirectory() as tmp:
        _app, db, org = _setup(str(Path(tmp) / "dividends.db"), holders)
        record, net = dt.date(2026, 5, 31), Decimal("98765432.10")
        t, c = time.perf_counter(), time.process_time()
        computed = compute(db.session, org, record_date=record, net_income=net)
        dry_run, dry_run_cpu = time.perf_counter() - t, time.process_time() - c
        db.session.rollback()
        t, c = time.perf_counter(), time.process_time()
        rnd = create_round(db.session, org, record_date=record, net_income=net, actor=None,
                           today=dt.date(2026, 6, 1))
        db.session.commit()
        apply, apply_cpu = time.perf_counter() - t, time.process_time() - c
        allocation = computed.allocation
        assert sum(line.amount_fen for line in allocation.lines) == allocation.distributable_fen
        lines = [(x.holder_code, x.name, x.units, x.amount) for x in db.session.scalars(
            select(DividendLine).where(DividendLine.round_id == rnd.id).order_by(DividendLine.holder_code))]
        t, c = time.perf_counter(), time.process_time()
        write_payment_sheet(iter(lines), organisation=org.name, title=rnd.title, subtitle="bench",
                            total_units=rnd.total_units, total_amount=rnd.distributable)
        sheet, sheet_cpu = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        buffer = io.BytesIO()
        wb = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        ws = wb.add_worksheet()
        for r, (holder, name, units, amount) in enumerate(lines):
            ws.write_number(r, 0, r + 1)
            ws.write_string(r, 1, holder)
            ws.write_string(r, 2, name)
            ws.write_number(r, 3, float(units))
            ws.write_number(r, 4, float(amount))
        wb.close()
        raw, raw_cpu = time.perf_counter() - t, time.process_time() - c
    print(json.dumps({"holders": holders, "lines": len(lines), "dry_run": dry_run,
                      "dry_run_cpu": dry_run_cpu, "apply": apply, "apply_cpu": apply_cpu, "sheet": sheet,
                      "sheet_cpu": sheet_cpu,
                      "raw": raw, "raw_cpu": raw_cpu}))


if __name__ == "__main__":
    main(sys.argv[1:])
