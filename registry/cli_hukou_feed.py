"""``import-hukou``: the police's hukou change list for a town or the district (issue 12 item 6), the web
import's service (``registry.services.hukou_feed.importer``) in one transaction. Exit codes as
``import-roster``: 0 recorded or a clean dry run, 1 unreadable rows on a dry run, 2 a file error."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from registry.cli_roster import finish_import, importing_actor, read_file
from registry.extensions import db
from registry.services.areas import area_by_code
from registry.services.hukou_feed.importer import import_hukou_feed


def register_hukou_feed_cli(app: Flask) -> None:
    app.cli.add_command(import_hukou_cmd)


@click.command("import-hukou")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--area", "area_code", required=True, help="镇或区的区划代码（9 位、12 位，或区的 6 位代码）")
@click.option("--dry-run", is_flag=True, help="只检查和匹配，不写入")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--user", "username", required=True, help="导入的乡镇或区级用户（记入审计日志，其管辖范围须包含该区划）")
def import_hukou_cmd(file: Path, area_code: str, dry_run: bool, as_json: bool, username: str) -> None:
    """Import a hukou change list (.xlsx/.xls/.ods or CSV in UTF-8/GBK): each row matched by ID number to a
    member of the area is recorded as hukou information with a review hint for the village clerk (H-06);
    no membership or right changes (H-01)."""
    area = area_by_code(db.session, area_code)
    if area is None or area.level not in ("town", "district"):
        raise click.ClickException(f"不是镇或区的区划代码：{area_code}")
    actor = importing_actor(username, area.code, "户籍变动清单")
    if actor.role not in ("town", "district"):
        raise click.ClickException(f"用户 {actor.username} 不是乡镇或区级用户，不能导入户籍变动清单")
    data = read_file(file)
    report = import_hukou_feed(db.session, data, area, actor=actor, filename=file.name, dry_run=dry_run,
                               max_rows=current_app.config.get("ROSTER_MAX_ROWS"))
    finish_import(report, as_json, printer=_print)


def _print(report) -> None:
    if report.file_error:
        click.echo(f"文件错误：{report.file_message}")
        return
    mode = "预览" if report.dry_run else "已导入"
    click.echo(f"{mode}：读取 {report.rows_read} 行；匹配 {len(report.matched)}（新增提示 {report.hints_created}），"
               f"未匹配 {len(report.unmatched)}，无法读取 {len(report.invalid)}")
    for line in report.unmatched + report.invalid:
        click.echo(f"  第{line.row}行 {line.id_masked} {line.name}：{line.code}：{line.message}")
