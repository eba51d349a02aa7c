"""Land register measurements (issue 15; run by ``bench/run.py``, one JSON object on the last line).

    python -m bench.measure_land calamine FILE     raw python-calamine read of every sheet (the baseline)
    python -m bench.measure_land import FILE DB    import-land --area 370305 of the district file into DB
                                                   (a copy of district.db: the roster is there)
    python -m bench.measure_land rollup DB         GET /district/rights (median of 5; DB after the import)

The district file (``bench/out/land_district.xlsx``, ≥ 300,000 parcels) is beyond the upload's bounds
(20 MB, 200,000 rows): the import gets the bounds a district load needs (``LIMITS``), as the CLI's
``--area`` does with ``LAND_AREA_*`` settings.
"""
from __future__ import annotations

import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import Clock, _result, app_for, rss_mb  # noqa: E402

AREA = "370305"
LIMITS = {"max_bytes": 1 << 30, "max_rows": 1_000_000, "max_cells": 20_000_000, "max_uncompressed": 1 << 31}


def calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    data = Path(path).read_bytes()
    before = rss_mb()
    with Clock() as clock:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = sum(sum(1 for _ in book.get_sheet_by_name(name).iter_rows()) for name in book.sheet_names)
    return _result(clock.wall, before, clock.cpu, rows=rows)


def import_file(path: str, db_path: str) -> dict:
    from registry.extensions import db
    from registry.services.areas import area_by_code
    from registry.services.land.area_import import import_land_area

    app = app_for(db_path)
    data = Path(path).read_bytes()
    with app.app_context():
        area = area_by_code(db.session, AREA)
        db.session.connection()
        before = rss_mb()
        with Clock() as clock:
            report = import_land_area(db.session, data, area, actor=None, filename=Path(path).name, **LIMITS)
            db.session.commit()
        if not report.committed:
            raise SystemExit(f"land import not committed: {report.errors[:5]}")
        return _result(clock.wall, before, clock.cpu, rows=report.rows_read, created=report.created,
                       updated=report.updated, unchanged=report.unchanged, villages=report.villages,
                       households=report.households, errors=len(report.errors), warnings=len(report.warnings))


def rollup(db_path: str) -> dict:
    from bench.measure_app import _login

    app = app_for(db_path)
    client = app.test_client()
    _login(app, client, "district")
    assert client.get("/district/rights").status_code == 200  # warm
    wall, cpu = [], []
    for _ in range(5):
        t, c = time.perf_counter(), time.process_time()
        resp = client.get("/district/rights")
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert resp.status_code == 200
    return {"seconds": statistics.median(wall), "cpu": statistics.median(cpu), "wall": wall}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"calamine": calamine, "import": import_file, "rollup": rollup}[command](*args)
    print(json.dumps(result))
