"""Membership history CLI (issue 3): ``export-roster-as-of`` — a village's roster on a past day."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import Flask

from registry.cli_roster import _write
from registry.extensions import db
from registry.services.areas import organization_for_village
from registry.services.roster.as_of_export import export_roster_as_of


def register_members_cli(app: Flask) -> None:
    app.cli.add_command(export_roster_as_of_cmd)


@click.command("export-roster-as-of")
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="日期 YYYY-MM-DD")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_roster_as_of_cmd(village_code: str, day: dt.datetime, out: Path) -> None:
    """Export the roster of a village as it was on a day (members active that day)."""
    org = organization_for_village(db.session, village_code.strip())
    if org is None:
        raise click.ClickException(f"村级区划不存在或没有集体经济组织：{village_code}")
    result = export_roster_as_of(db.session, org, day.date(), actor=None, mask_ids=False)  # the server operator
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出 {day.date().isoformat()} 的成员名册 {result.rows} 人到 {out}")
