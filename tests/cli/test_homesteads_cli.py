"""CLI of the homestead register (issue 15): import-homesteads (--dry-run, --partial, --json, exit codes as
import-roster) and export-homesteads (import layout; a village's export re-imports as all unchanged)."""
from __future__ import annotations

import json

import openpyxl

from tests.services.homesteads.helpers import RIGHTS, VILLAGE, village_with_roster

CLEAN = RIGHTS / f"homestead_{VILLAGE}.xlsx"
MESSY = RIGHTS / f"homestead_messy_{VILLAGE}.xlsx"


def _json(result):
    return json.loads(result.output.strip().splitlines()[-1])


def test_import_homesteads_dry_run_commit_unchanged_and_export_reimports_unchanged(runner, db, demo,
                                                                                   tmp_path):
    village_with_roster(db)
    args = ["import-homesteads", str(CLEAN), "--village", VILLAGE, "--json"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    out = _json(dry)
    assert set(out) >= {"rows_read", "created", "updated", "unchanged", "committed", "errors", "warnings",
                        "skipped_households"}
    assert (out["rows_read"], out["created"], out["committed"]) == (102, 102, False)
    assert {w["code"] for w in out["warnings"]} == {"homestead.area_over_cap"}

    done = runner.invoke(args=args)
    assert done.exit_code == 0 and _json(done)["committed"] is True

    path = tmp_path / "h.xlsx"
    exported = runner.invoke(args=["export-homesteads", "--area", VILLAGE, "--out", str(path)])
    assert exported.exit_code == 0, exported.output
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "宅基地" and ws.cell(1, 1).value == "宗地代码"
    assert ws.cell(2, 3).value == "0001" and ws.cell(2, 3).data_type == "s"  # 户编号 as text
    assert isinstance(ws.cell(2, 6).value, float)  # m² as a number
    again = _json(runner.invoke(args=["import-homesteads", str(path), "--village", VILLAGE, "--json"]))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 102)


def test_import_homesteads_row_errors_exit_1_and_partial_exit_0(runner, db, demo):
    village_with_roster(db)
    result = runner.invoke(args=["import-homesteads", str(MESSY), "--village", VILLAGE, "--json"])
    assert result.exit_code == 1
    out = _json(result)
    assert out["committed"] is False
    assert {"row", "column", "code", "message"} <= set(out["errors"][0])
    partial = runner.invoke(args=["import-homesteads", str(MESSY), "--village", VILLAGE, "--partial"])
    assert partial.exit_code == 0, partial.output
    assert "已导入" in partial.output


def test_import_homesteads_file_error_exit_2(runner, demo, tmp_path):
    bad = tmp_path / "fake.xlsx"
    bad.write_text("宗地代码,户编号\n", encoding="utf-8")
    result = runner.invoke(args=["import-homesteads", str(bad), "--village", VILLAGE, "--json"])
    assert result.exit_code == 2
    assert _json(result)["errors"][0]["code"] == "file.not_excel"
