"""Charter settings CLI (issue 16): ``charter-settings --village CODE [--set key=value …] [--article TEXT]
[--effective YYYY-MM-DD] [--json]`` shows the settings in force, or changes them (audited, one transaction)."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask import Flask

from registry.clock import local_today
from registry.extensions import db
from registry.services.areas import organization_for_village
from registry.services.charter import fields, settings_for, update_settings
from registry.services.errors import DomainError


def register_charter_cli(app: Flask) -> None:
    app.cli.add_command(charter_settings_cmd)


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"应为 key=value：{item}", param_hint="--set")
        out[key.strip()] = value.strip()
    return out


@click.command("charter-settings")
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="修改一项设置，可多次使用（如 confirmation_threshold=3/4、share_types.collective.weight=0.5）")
@click.option("--article", help="设置所依据的章程条款（修改时必填）")
@click.option("--effective", "effective_on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="生效日期 YYYY-MM-DD（默认今天）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出现行设置")
def charter_settings_cmd(village_code: str, assignments: tuple[str, ...], article: str | None,
                         effective_on: dt.datetime | None, as_json: bool) -> None:
    """Show a collective's charter settings in force today, or change them with --set and --article.
    A threshold below the law (A-04) or fewer than 7 notice working days (F-04) is refused (exit 1)."""
    org = organization_for_village(db.session, village_code.strip())
    if org is None:
        raise click.ClickException(f"村级区划不存在或没有集体经济组织：{village_code}")
    today = local_today()
    if assignments:
        try:
            view = update_settings(db.session, org, _pairs(assignments), actor=None, article=article,
                                   effective_on=effective_on.date() if effective_on else None, today=today)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        if not as_json:
            click.echo(f"已保存 {org.name} 的章程设置，自 {view.valid_from.isoformat()} 起施行（{view.article}）")
    view = settings_for(db.session, org.id, today)
    if as_json:
        click.echo(json.dumps(view.as_json(), ensure_ascii=False))
        return
    click.echo(f"{org.name} 章程设置（{today.isoformat()} 现行）："
               + (f"依据 {view.article}，自 {view.valid_from.isoformat()} 起" if view.settings_id
                  else "未设置，适用默认值"))
    for name, label in fields.SETTINGS.items():
        click.echo(f"  {name:28s} {fields.display(name, getattr(view, name))}  （{label}）")
