"""Share and dividend CLI: import-shares, export-shares, dividend-round (issue 16)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from flask import Flask, current_app

from registry.cli_roster import _actor, _write, finish_import
from registry.clock import local_today
from registry.extensions import db
from registry.services.areas import organization_for_village
from registry.services.dividends.rounds import compute, create_round
from registry.services.errors import DomainError
from registry.services.roster.importer import read_limits
from registry.services.shares.export import export_shares
from registry.services.shares.importer import import_shares


def register_shares_cli(app: Flask) -> None:
    app.cli.add_command(import_shares_cmd)
    app.cli.add_command(export_shares_cmd)
    app.cli.add_command(dividend_round_cmd)


def _village(code: str):
    organization = organization_for_village(db.session, code.strip())
    if organization is None:
        raise click.ClickException(f"村级区划不存在或没有集体经济组织：{code}")
    return organization


def _scoped_actor(username: str | None, code: str, roles=("clerk", "town", "district")):
    actor = _actor(username)
    if actor is not None and actor.role not in roles:
        raise click.ClickException(f"用户 {actor.username} 的角色不能办理此操作")
    if actor is not None and not code.startswith(actor.scope):
        raise click.ClickException(f"用户 {actor.username} 的管辖范围不包含 {code}")
    return actor


@click.command("import-shares")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
@click.option("--partial", is_flag=True, help="只导入没有错误的户")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--user", "username", default=None, help="记入审计日志的操作用户名")
def import_shares_cmd(file: Path, village_code: str, dry_run: bool, partial: bool, as_json: bool,
                      username: str | None) -> None:
    """Import a village's share register (股权台账). Exit 0 when committed or a clean dry run, 1 when rows
    have errors, 2 for file errors (as import-roster)."""
    organization = _village(village_code)
    actor = _scoped_actor(username, organization.area_code)
    try:
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"无法读取文件 {file}：{exc.strerror or exc}", err=True)
        sys.exit(2)
    report = import_shares(db.session, data, organization, actor=actor, filename=file.name, dry_run=dry_run,
                           partial=partial, **read_limits(current_app.config))
    finish_import(report, as_json)


@click.command("export-shares")
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "day", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="截至日期（默认今天）")
def export_shares_cmd(village_code: str, out: Path, day: dt.datetime | None) -> None:
    """Export a village's share register as a 股权台账 workbook (re-imports unchanged)."""
    organization = _village(village_code)
    result = export_shares(db.session, organization, actor=None, day=day.date() if day else local_today())
    _write(out, result.data)
    db.session.commit()
    click.echo(f"已导出 {result.rows} 户股权到 {out}")


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise click.BadParameter(f"不是金额：{text}") from exc
    if not value.is_finite():
        raise click.BadParameter(f"不是金额：{text}")
    return value


@click.command("dividend-round")
@click.option("--village", "village_code", required=True, help="村级12位区划代码")
@click.option("--record-date", "record_date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="股权登记日（按该日的股权分配）")
@click.option("--net-income", "net_income", required=True, help="可分配净收益（元，最多两位小数）")
@click.option("--reserve-rate", "reserve_rate", default=None,
              help="公积公益金提取比例（如 0.30；默认按章程）")
@click.option("--title", default=None, help="分配名称")
@click.option("--apply", "apply_", is_flag=True, help="保存为分配草稿（默认只计算并列出）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--user", "username", default=None, help="记入审计日志的操作用户名（村文书）")
def dividend_round_cmd(village_code: str, record_date: dt.datetime, net_income: str, reserve_rate: str | None,
                       title: str | None, apply_: bool, as_json: bool, username: str | None) -> None:
    """Compute a dividend round exactly (S-11, S-12); with --apply store it as a draft round. Exit 1 when a
    rule refuses it."""
    organization = _village(village_code)
    actor = _scoped_actor(username, organization.area_code, roles=("clerk",))
    rate = _money(reserve_rate) if reserve_rate is not None else None
    try:
        computed = compute(db.session, organization, record_date=record_date.date(),
                           net_income=_money(net_income), reserve_rate=rate)
        rnd = None
        if apply_:
            rnd = create_round(db.session, organization, record_date=record_date.date(),
                               net_income=_money(net_income), reserve_rate=rate, title=title, actor=actor,
                               computed=computed)
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if as_json:
            click.echo(json.dumps({"error": {"code": exc.code, "rule": exc.rule, "message": exc.message}},
                                  ensure_ascii=False))
        else:
            click.echo(str(exc), err=True)
        sys.exit(1)
    result = computed.to_json()
    if rnd is not None:
        result["round_id"] = rnd.id
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    a = computed.allocation
    click.echo(f"净收益 {a.net_income:.2f} 元，公积公益金 {result['reserve']} 元（{computed.reserve_rate}），"
               f"可分配 {result['distributable']} 元，总股数 {result['total_units']}，{len(a.lines)} 个持股人"
               f"（{'股权台账' if computed.source == 'holdings' else '成员名册股份合计'}）")
    for line in result["lines"]:
        click.echo(f"  {line['holder']}  {line['name']}  {line['units']}  {line['amount']}")
    if rnd is not None:
        click.echo(f"已保存分配草稿 #{rnd.id}")
