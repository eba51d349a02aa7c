"""Land register CLI commands (issue 15): import-land and export-land, with the exit codes and JSON of
import-roster (0 committed or a clean dry run, 1 rows with errors, 2 file errors)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from registry.cli_roster import _actor, _write
from registry.extensions import db
from registry.services.areas import area_by_code, organization_for_village
from registry.services.land.area_import import import_land_area
from registry.services.land.export import export_land
from registry.services.land.importer import import_land
from registry.services.roster.importer import read_limits


def register_land_cli(app: Flask) -> None:
    app.cli.add_command(import_land_cmd)
    app.cli.add_command(export_land_cmd)


def area_limits(config) -> dict:
    """A town or district file is a bulk load beyond the upload's bounds: ``LAND_AREA_MAX_BYTES`` (default
    200 MB), ``LAND_AREA_MAX_ROWS`` (1,000,000 per sheet), ``LAND_AREA_MAX_CELLS`` (20,000,000) and
    ``LAND_AREA_MAX_UNCOMPRESSED`` (2 GB inflated)."""
    return {**read_limits(config), "max_bytes": config.get("LAND_AREA_MAX_BYTES", 200 << 20),
            "max_rows": config.get("LAND_AREA_MAX_ROWS", 1_000_000),
            "max_cells": config.get("LAND_AREA_MAX_CELLS", 20_000_000),
            "max_uncompressed": config.get("LAND_AREA_MAX_UNCOMPRESSED", 2 << 30)}


@click.command("import-land")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", "village_code", default=None, help="村级12位区划代码")
@click.option("--area", "area_code", default=None,
              help="乡镇或全区代码：一个文件含多个村的台账（按承包方编码、地块编码的前 12 位分村）")
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
@click.option("--partial", is_flag=True, help="只导入没有错误的承包方（有错误行的承包方整户不导入）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--user", "username", default=None, help="记入审计日志的操作用户名（其管辖范围须包含该村）")
def import_land_cmd(file: Path, village_code: str | None, area_code: str | None, dry_run: bool, partial: bool,
                    as_json: bool, username: str | None) -> None:
    """Import a village's land contract register (承包方, 承包地块, 共有人, 流转合同; Chinese headings or
    NY/T 2539 field codes), or with ``--area`` one file for a town or the district. The village roster must
    be imported first."""
    if (village_code is None) == (area_code is None):
        raise click.UsageError("请给出 --village 或 --area 之一")
    if village_code is not None:
        target = organization_for_village(db.session, village_code.strip())
        if target is None:
            raise click.ClickException(f"村级区划不存在或没有集体经济组织：{village_code}")
        scope = target.area_code
    else:
        target = area_by_code(db.session, area_code.strip())
        if target is None:
            raise click.ClickException(f"区划代码不存在：{area_code}")
        scope = target.scope_prefix
    actor = _actor(username)
    if actor is not None and actor.role not in ("clerk", "town", "district"):
        raise click.ClickException(f"用户 {actor.username} 的角色不能导入台账（管理员只读）")
    if actor is not None and not scope.startswith(actor.scope):
        raise click.ClickException(f"用户 {actor.username} 的管辖范围不包含 {target.code if area_code else scope}")
    try:
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"无法读取文件 {file}：{exc.strerror or exc}", err=True)
        sys.exit(2)
    if village_code is not None:
        report = import_land(db.session, data, target, actor=actor, filename=file.name, dry_run=dry_run,
                             partial=partial, **read_limits(current_app.config))
    else:
        report = import_land_area(db.session, data, target, actor=actor, filename=file.name, dry_run=dry_run,
                                  partial=partial, **area_limits(current_app.config))
    if report.committed:
        db.session.commit()
    else:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, default=str))
    else:
        mode = "预览" if report.dry_run else ("已导入" if report.committed else "未导入")
        click.echo(f"{mode}：读取 {report.rows_read} 行；新增 {report.created}，更新 {report.updated}，"
                   f"无变化 {report.unchanged}；错误 {len(report.errors)} 条，提示 {len(report.warnings)} 条")
        if report.skipped_households:
            click.echo(f"未导入的承包方（含错误行）：{', '.join(report.skipped_households)}")
        for item in report.errors + report.warnings:
            where = f"[{item['sheet']}] 第{item['row']}行 " if item.get("row") else ""
            click.echo(f"  {where}{item['code']}：{item['message']}")
    if report.file_error:
        sys.exit(2)
    if report.errors and not report.committed:
        sys.exit(1)


@click.command("export-land")
@click.option("--area", "area_code", required=True, help="村、镇或区的区划代码")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_land_cmd(area_code: str, out: Path) -> None:
    """Export the land contract register of a village, a town or the district as .xlsx (import layout)."""
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    result = export_land(db.session, area, actor=None)
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出 {result.rows} 个承包方到 {out}")
