"""CLI ``import-hukou`` (issue 12 item 6): --dry-run, --json, --user, the exit codes of import-roster
(0 recorded or a clean dry run, 1 unreadable rows on a dry run, 2 a file error); idempotent (H-06)."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from registry.models import HukouHint, Membership
from tests.services.hukou_feed_helpers import UNKNOWN_IDS, confirmed_people, csv_bytes, xlsx_bytes
from tests.services.land_helpers import village

V1 = "370305100201"
MOVED = dt.date(2026, 3, 2)


def _json(result):
    return json.loads(result.output.strip().splitlines()[-1])


def _hints(db):
    return db.session.scalar(select(func.count()).select_from(HukouHint))


def test_import_hukou_dry_run_apply_and_again(runner, db, demo, clock, tmp_path):
    village(db, V1)
    mover, dead = confirmed_people(db, V1, 2)
    path = tmp_path / "changes.xlsx"
    path.write_bytes(xlsx_bytes([(mover.id_number, mover.name, "迁出", MOVED, "临淄区稷下街道"),
                                 (dead.id_number, dead.name, "死亡", MOVED, None),
                                 (UNKNOWN_IDS[0], "查无此人", "迁入", MOVED, None)]))
    args = ["import-hukou", str(path), "--area", "370305100", "--user", "town", "--json"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    out = _json(dry)
    assert (out["matched"], out["hints_created"], out["unmatched"], out["committed"]) == (2, 2, 1, False)
    assert _hints(db) == 0
    done = runner.invoke(args=args)
    assert done.exit_code == 0 and _json(done)["committed"] is True
    assert _hints(db) == 2
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and _json(again)["hints_created"] == 0 and _hints(db) == 2
    statuses = set(db.session.scalars(select(Membership.status).where(Membership.person_id.in_([mover.id, dead.id]))))
    assert statuses == {"confirmed"}  # H-01: the import alone ends nothing


def test_import_hukou_exit_codes_and_users(runner, db, demo, clock, tmp_path):
    village(db, V1)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([("37030519800101001X", "错号", "迁出", MOVED, "")], encoding="gbk"))
    args = ["import-hukou", str(bad), "--area", "370305100000", "--user", "town"]
    assert runner.invoke(args=[*args, "--dry-run"]).exit_code == 1  # unreadable rows on a dry run
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert runner.invoke(args=["import-hukou", str(empty), "--area", "370305", "--user", "district"]).exit_code == 2
    missing = tmp_path / "none.csv"
    assert runner.invoke(args=["import-hukou", str(missing), "--area", "370305", "--user", "district"]).exit_code == 2
    assert runner.invoke(args=[*args[:4], "--user", "clerk"]).exit_code != 0  # a clerk cannot
    other_town = runner.invoke(args=["import-hukou", str(bad), "--area", "370305102", "--user", "town"])
    assert other_town.exit_code != 0 and "管辖范围" in other_town.output
