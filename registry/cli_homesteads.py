"""Homestead register CLI commands: import-homesteads, export-homesteads (issue 15)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from registry.cli_roster import _write, finish_import, importing_actor, read_file
from registry.extensions import db
from registry.services.areas import area_by_code, organization_for_village
from registry.services.homesteads.export import export_homesteads
from registry.services.homesteads.importer import area_cap, import_homesteads
from registry.services.roster.importer import read_limits


def register_homesteads_cli(app: Flask) -> None:
    app.cli.add_command(import_homesteads_cmd)
    app.cli.add_command(export_homesteads_cmd)


@click.command("import-homesteads")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
@click.option("--partial", is_flag=True, help="只导入没有错误的户（有错误行的户整户不导入）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--user", "username", default=None, help="记入审计日志的操作用户名（其管辖范围须包含该村）")
def import_homesteads_cmd(file: Path, village_code: str, dry_run: bool, partial: bool, as_json: bool,
                          username: str | None) -> None:
    """Import a village's homestead register (宅基地台账). Exit 0 when committed or a clean dry run,
    1 when rows have errors, 2 for file errors (as import-roster)."""
    org = organization_for_village(db.session, village_code.strip())
    if org is None:
        raise click.ClickException(f"村级区划不存在或没有集体经济组织：{village_code}")
    actor = importing_actor(username, org.area_code, "宅基地台账")
    data = read_file(file)
    report = import_homesteads(db.session, data, org, actor=actor, filename=file.name, dry_run=dry_run,
                               partial=partial, cap=area_cap(current_app.config),
                               **read_limits(current_app.config))
    finish_import(report, as_json)


@click.command("export-homesteads")
@click.option("--area", "area_code", required=True, help="村、镇或区的区划代码")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_homesteads_cmd(area_code: str, out: Path) -> None:
    """Export the current homestead register of a village, a town or the district as .xlsx (import layout)."""
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    result = export_homesteads(db.session, area, actor=None)
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出 {result.rows} 处宅基地到 {out}")
