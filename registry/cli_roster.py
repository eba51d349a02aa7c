"""Roster CLI commands: import-roster, export-roster, export-summary (CLI contract of issue 2)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from registry.extensions import db
from registry.private_files import write_private
from registry.services.areas import area_by_code, organization_for_village
from registry.services.exports import export_roster, export_summary
from registry.services.roster.area_import import import_area_roster
from registry.services.roster.importer import import_roster, read_limits
from registry.services.users import user_by_name


def register_roster_cli(app: Flask) -> None:
    app.cli.add_command(import_roster_cmd)
    app.cli.add_command(export_roster_cmd)
    app.cli.add_command(export_summary_cmd)


def _actor(username: str | None):
    if not username:
        return None
    user = user_by_name(db.session, username)
    if user is None:
        raise click.ClickException(f"用户不存在：{username}")
    return user


@click.command("import-roster")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", "village_code", default=None, help="村级12位区划代码（导入一个村的名册）")
@click.option("--area", "area_code", default=None,
              help="镇或区的区划代码（导入全镇或全区的名册，每行须有 12 位“村代码”）")
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
@click.option("--partial", is_flag=True, help="只导入没有错误的户（有错误行的户整户不导入）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--user", "username", default=None, help="记入审计日志的操作用户名（其管辖范围须包含导入的村或区划）")
def import_roster_cmd(file: Path, village_code: str | None, area_code: str | None, dry_run: bool, partial: bool,
                      as_json: bool, username: str | None) -> None:
    """Import a roster workbook: one village (--village) or a town/the district (--area, 村代码 per row).
    Exit 0 when committed or a clean dry run, 1 when rows have errors, 2 for file errors."""
    if (village_code is None) == (area_code is None):
        raise click.UsageError("请指定 --village（一个村）或 --area（全镇或全区）其中之一")
    if village_code is not None:
        target = organization_for_village(db.session, village_code.strip())
        if target is None:
            raise click.ClickException(f"村级区划不存在或没有集体经济组织：{village_code}")
        code = target.area_code
    else:
        target = area_by_code(db.session, area_code)
        if target is None:
            raise click.ClickException(f"区划不存在：{area_code}")
        code = target.code
    actor = importing_actor(username, code, "名册")
    data = read_file(file)
    run = import_roster if village_code is not None else import_area_roster
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not as_json else None
    report = run(db.session, data, target, actor=actor, filename=file.name, dry_run=dry_run, partial=partial,
                 progress=progress, **read_limits(current_app.config))
    finish_import(report, as_json)


class TerminalProgress:
    """A one-line progress bar for an import on a terminal (issue 13): rows read and checked, then the
    villages checked or written. ``progress(stage, done, total)`` as registry.services.roster.importer.Progress."""

    LABELS = {"read": ("读取并检查", "行"), "check": ("逐村核对", "个村"), "write": ("逐村写入", "个村")}

    def __init__(self, stream, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, stage: str, done: int, total: int) -> None:
        label, unit = self.LABELS.get(stage, (stage, ""))
        filled = self.width * done // total if total else 0
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{label} [{bar}] {done}/{total} {unit}")
        if total and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def importing_actor(username: str | None, code: str, what: str):
    """The ``--user`` of an import: a clerk, town or district user whose scope holds ``code``."""
    actor = _actor(username)
    if actor is not None and actor.role not in ("clerk", "town", "district"):
        raise click.ClickException(f"用户 {actor.username} 的角色不能导入{what}（管理员只读）")
    if actor is not None and not code.startswith(actor.scope):
        raise click.ClickException(f"用户 {actor.username} 的管辖范围不包含 {code}")
    return actor


def read_file(file: Path) -> bytes:
    """The file's bytes; a file that cannot be read is a file error: exit 2, like the file.* codes."""
    try:
        return file.read_bytes()
    except OSError as exc:
        click.echo(f"无法读取文件 {file}：{exc.strerror or exc}", err=True)
        sys.exit(2)


def finish_import(report, as_json: bool, printer=None) -> None:
    """Commit or roll back, print the report (text or JSON; ``printer`` prints another report's text) and
    exit: 0 committed or a clean dry run, 1 rows with errors, 2 a file error (the CLI contract of every
    register import)."""
    if report.committed:
        db.session.commit()
    else:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, default=str))
    else:
        (printer or _print_report)(report)
    if report.file_error:
        sys.exit(2)
    if report.errors and not report.committed:
        sys.exit(1)


def _print_report(report) -> None:
    mode = "预览" if report.dry_run else ("已导入" if report.committed else "未导入")
    villages = f"{report.villages} 个村，" if report.villages is not None else ""
    click.echo(f"{mode}：{villages}读取 {report.rows_read} 行；新增 {report.created}，更新 {report.updated}，"
               f"无变化 {report.unchanged}，终止成员身份 {report.ended}；"
               f"错误行 {report.error_rows}（错误 {len(report.errors)} 条），"
               f"提示 {len(report.warnings)} 条")
    if report.skipped_households:
        click.echo(f"未导入的户（含错误行）：{', '.join(report.skipped_households)}")
    for item in report.errors + report.warnings:
        where = f"第{item['row']}行 " if item["row"] else ""
        col = f"[{item['column']}] " if item["column"] else ""
        click.echo(f"  {where}{col}{item['code']}：{item['message']}")


@click.command("export-roster")
@click.option("--area", "area_code", required=True, help="村、镇或区的区划代码")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "include_unfiled", is_flag=True, help="包含未备案的当前名册（默认只导出已备案名册）")
def export_roster_cmd(area_code: str, out: Path, include_unfiled: bool) -> None:
    """Export the filed roster of a village, a town or the district as .xlsx."""
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    result = export_roster(db.session, area, actor=None, filed_only=not include_unfiled)
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出 {result.rows} 名成员到 {out}")


@click.command("export-summary")
@click.option("--area", "area_code", required=True, help="镇或区的区划代码")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_summary_cmd(area_code: str, out: Path) -> None:
    """Export the summary workbook by town and village."""
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    result = export_summary(db.session, area, actor=None)
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出汇总表到 {out}")


def _write(out: Path, data: bytes) -> None:
    """Write an export holding personal data readable by its owner only (0600, like uploads and backups);
    an unwritable path ends the command with a Chinese message and no audit event."""
    try:
        write_private(out, data)
    except OSError as exc:
        db.session.rollback()  # no audit event for an export that was not written
        raise click.ClickException(f"无法写入 {out}：{exc.strerror or exc}") from exc
