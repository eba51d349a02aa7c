"""CLI of issue 16: import-shares (exit codes and JSON as import-roster), export-shares round trip,
dividend-round (dry run, --json, --apply; S-11, S-12)."""
from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from registry.models.shares import DividendLine, DividendRound
from tests.conftest import SAMPLES
from tests.services.shares.helpers import RIGHTS

CLEAN = RIGHTS / "shares_370305100201.xlsx"
V = "370305100201"


def _json(result):
    return json.loads(result.output.strip().splitlines()[-1])


def _roster(runner):
    done = runner.invoke(args=["import-roster", str(SAMPLES / f"roster_{V}.xlsx"), "--village", V])
    assert done.exit_code == 0, done.output


def test_import_shares_json_dry_run_commit_then_export_round_trips_unchanged(runner, demo, tmp_path, clock):
    _roster(runner)
    args = ["import-shares", str(CLEAN), "--village", V, "--json"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    out = _json(dry)
    assert (out["rows_read"], out["created"], out["committed"], out["errors"]) == (94, 94, False, [])
    done = runner.invoke(args=args)
    assert done.exit_code == 0 and _json(done)["committed"] is True
    exported = tmp_path / "out.xlsx"
    result = runner.invoke(args=["export-shares", "--village", V, "--out", str(exported)])
    assert result.exit_code == 0, result.output
    again = _json(runner.invoke(args=["import-shares", str(exported), "--village", V, "--json"]))
    assert (again["created"], again["updated"], again["unchanged"], again["errors"]) == (0, 0, 94, [])


def test_import_shares_messy_exit_1_and_file_error_exit_2(runner, demo, tmp_path):
    _roster(runner)
    messy = runner.invoke(args=["import-shares", str(RIGHTS / f"shares_messy_{V}.xlsx"), "--village", V,
                                "--json"])
    assert messy.exit_code == 1
    out = _json(messy)
    assert out["committed"] is False and len({e["row"] for e in out["errors"]}) == 22
    bad = tmp_path / "fake.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    broken = runner.invoke(args=["import-shares", str(bad), "--village", V, "--json"])
    assert broken.exit_code == 2 and _json(broken)["errors"][0]["row"] is None


def test_dividend_round_from_the_roster_shares_json_adds_up_to_the_fen(runner, demo, db, clock):
    """S-11/S-12: no share register → the roster's 股份合计 per household are the units."""
    _roster(runner)
    result = runner.invoke(args=["dividend-round", "--village", V, "--record-date", "2026-05-31",
                                 "--net-income", "1000000.01", "--json"])
    assert result.exit_code == 0, result.output
    out = _json(result)
    assert out["reserve"] == "300000.00" and out["distributable"] == "700000.01"
    assert Decimal(out["total_units"]) == Decimal("6422.5") and len(out["lines"]) == 94
    assert sum(Decimal(line["amount"]) for line in out["lines"]) == Decimal("700000.01")
    assert all(len(line["amount"].split(".")[1]) == 2 for line in out["lines"])
    assert set(out["lines"][0]) >= {"holder", "name", "units", "amount"}
    assert db.session.scalar(select(func.count()).select_from(DividendRound)) == 0  # a dry run writes nothing


def test_dividend_round_apply_stores_a_draft_with_identical_lines(runner, demo, db, clock):
    _roster(runner)
    assert runner.invoke(args=["import-shares", str(CLEAN), "--village", V]).exit_code == 0
    args = ["dividend-round", "--village", V, "--record-date", "2026-05-31", "--net-income", "88888.88",
            "--json"]
    dry = _json(runner.invoke(args=args))
    applied = _json(runner.invoke(args=[*args, "--apply"]))
    assert applied["lines"] == dry["lines"] and applied["source"] == "holdings"
    rnd = db.session.get(DividendRound, applied["round_id"])
    assert rnd.state == "draft" and rnd.distributable == Decimal("62222.22")
    total = db.session.scalar(select(func.sum(DividendLine.amount)).where(DividendLine.round_id == rnd.id))
    assert total == Decimal("62222.22")


def test_dividend_round_refusals_exit_1(runner, demo, clock):
    _roster(runner)
    bad = runner.invoke(args=["dividend-round", "--village", V, "--record-date", "2026-05-31",
                              "--net-income", "100.001", "--json"])
    assert bad.exit_code == 1 and _json(bad)["error"]["rule"] == "S-12"
    low = runner.invoke(args=["dividend-round", "--village", V, "--record-date", "2026-05-31",
                              "--net-income", "100", "--reserve-rate", "0.1", "--json"])
    assert low.exit_code == 1 and _json(low)["error"]["rule"] == "S-11"
