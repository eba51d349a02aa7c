"""CLI contract of issue 2: import-roster (--dry-run, --json, exit codes), export-roster, export-summary."""
from __future__ import annotations

import io
import json
import os
import stat

import openpyxl
import pytest

from tests.conftest import SAMPLES

CLEAN = SAMPLES / "roster_370305100201.xlsx"


def _json(result):
    return json.loads(result.output.strip().splitlines()[-1])


def test_import_roster_json_dry_run_then_commit_then_unchanged(runner, demo):
    args = ["import-roster", str(CLEAN), "--village", "370305100201", "--json"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    out = _json(dry)
    assert set(out) >= {"rows_read", "created", "updated", "unchanged", "committed", "errors", "warnings"}
    assert (out["rows_read"], out["created"], out["committed"]) == (347, 347, False)

    done = runner.invoke(args=args)
    assert done.exit_code == 0, done.output
    assert _json(done)["committed"] is True

    again = _json(runner.invoke(args=args))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 347)


def test_import_roster_row_errors_exit_1_with_row_and_column(runner, demo):
    result = runner.invoke(args=["import-roster", str(SAMPLES / "roster_messy.xlsx"), "--village",
                                 "370305100203", "--json"])
    assert result.exit_code == 1
    out = _json(result)
    assert out["committed"] is False
    first = out["errors"][0]
    assert isinstance(first["row"], int) and first["column"] and first["code"] and first["message"]


def test_import_roster_file_error_exit_2(runner, demo, tmp_path):
    bad = tmp_path / "fake.xlsx"
    bad.write_text("序号,姓名,证件号码\n1,张三,370305199001011234\n", encoding="utf-8")
    result = runner.invoke(args=["import-roster", str(bad), "--village", "370305100201", "--json"])
    assert result.exit_code == 2
    out = _json(result)
    assert out["errors"][0]["row"] is None
    assert out["errors"][0]["code"] == "file.not_excel"


def test_import_roster_unknown_village(runner, demo):
    result = runner.invoke(args=["import-roster", str(CLEAN), "--village", "370305999999"])
    assert result.exit_code != 0
    assert "村级区划不存在" in result.output


def test_export_summary_counts(runner, demo, tmp_path):
    runner.invoke(args=["import-roster", str(CLEAN), "--village", "370305100201"])
    out = tmp_path / "summary.xlsx"
    result = runner.invoke(args=["export-summary", "--area", "370305", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    ws = wb["按村汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    village = next(r for r in rows if r[1] == "370305100201")
    assert village[header.index("成员数")] == 347
    assert village[header.index("户数")] == 94


def test_import_roster_missing_file_is_a_file_error(runner, demo, tmp_path):
    result = runner.invoke(args=["import-roster", str(tmp_path / "nope.xlsx"), "--village", "370305100201"])
    assert result.exit_code == 2
    assert "无法读取文件" in result.output


def test_export_to_unwritable_path_gives_clear_error_and_no_audit(runner, demo, db):
    from sqlalchemy import func, select

    from registry.models import AuditEvent

    result = runner.invoke(args=["export-roster", "--area", "370305", "--out", "/nonexistent/dir/x.xlsx"])
    assert result.exit_code == 1
    assert "无法写入" in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_terminal_progress_bar_shows_rows_then_villages():
    """Issue 13: on a terminal the import shows a one-line progress bar (not with --json or a pipe)."""
    import io

    from registry.cli_roster import TerminalProgress

    out = io.StringIO()
    bar = TerminalProgress(out, width=10)
    bar("read", 500, 1000)
    bar("read", 1000, 1000)
    bar("write", 1, 2)
    text = out.getvalue()
    assert "\r读取并检查 [#####.....] 500/1000 行" in text
    assert "\r读取并检查 [##########] 1000/1000 行\n" in text
    assert text.endswith("\r逐村写入 [#####.....] 1/2 个村")


@pytest.mark.parametrize("command", [
    ["export-roster", "--area", "370305", "--all"], ["export-summary", "--area", "370305"],
    ["export-land", "--area", "370305"], ["export-homesteads", "--area", "370305"],
    ["export-shares", "--village", "370305100201"],
    ["export-roster-as-of", "--village", "370305100201", "--date", "2026-01-01"],
])
def test_cli_exports_are_readable_by_the_owner_only(runner, demo, tmp_path, command):
    """Exports hold ID numbers: written 0600 like uploads and backups, whatever the umask (QA finding)."""
    runner.invoke(args=["import-roster", str(CLEAN), "--village", "370305100201"])
    out = tmp_path / "export.xlsx"
    old = os.umask(0o022)
    try:
        result = runner.invoke(args=[*command, "--out", str(out)])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
