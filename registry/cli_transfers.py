"""``flask --app registry transfers --area CODE [--from D --to D] [--type T] [--state S] [--json]``: the
transaction register of a village, a town or the district (issue 11), the same query and SQL totals as the
register page (``registry.reports.transfers.register``). Read-only."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask import Flask

from registry.extensions import db
from registry.models.transfers import TRANSFER_STATES, TRANSFER_TYPES
from registry.reports.transfers.labels import STATE_LABELS, TYPE_LABELS
from registry.reports.transfers.register import Filters, register_rows, register_totals
from registry.services.areas import area_by_code


def register_transfers_cli(app: Flask) -> None:
    app.cli.add_command(transfers_cmd)


def _day(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{value}", param_hint=option) from None


def _text(value) -> str | None:
    return None if value is None else str(value)


@click.command("transfers")
@click.option("--area", "area_code", required=True, help="村、镇或区的区划代码")
@click.option("--from", "date_from", default=None, help="协议日期起（YYYY-MM-DD，含）")
@click.option("--to", "date_to", default=None, help="协议日期止（YYYY-MM-DD，含）")
@click.option("--type", "type_", type=click.Choice(TRANSFER_TYPES), default=None, help="交易类型")
@click.option("--state", type=click.Choice(TRANSFER_STATES), default=None, help="状态")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（金额、面积、股数为字符串）")
def transfers_cmd(area_code: str, date_from: str | None, date_to: str | None, type_: str | None,
                  state: str | None, as_json: bool) -> None:
    """The rights transaction register of an area with its totals (count, 亩, m², units, yuan)."""
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    f = Filters(type=type_, state=state, date_from=_day(date_from, "--from"), date_to=_day(date_to, "--to"))
    if f.date_from and f.date_to and f.date_from > f.date_to:  # as ``flask report`` refuses it (exit 1)
        raise click.ClickException(f"开始日期 {f.date_from.isoformat()} 晚于截止日期 {f.date_to.isoformat()}")
    rows = register_rows(db.session, area.scope_prefix, f)
    totals = register_totals(db.session, area.scope_prefix, f)
    if as_json:
        click.echo(json.dumps({
            "area": area.code, "from": date_from, "to": date_to,
            "totals": {"count": totals.count, "area_mu": str(totals.area_mu), "area_m2": str(totals.area_m2),
                       "units": str(totals.units), "price": str(totals.price)},
            "transfers": [{"id": r.id, "journal_no": r.journal_no, "village": r.village_code, "type": r.type,
                           "state": r.state, "agreement_date": r.agreement_date.isoformat(),
                           "effective_on": r.effective_on.isoformat() if r.effective_on else None,
                           "from_household": r.from_household, "from_person": r.from_person,
                           "to_household": r.to_household, "to_person": r.to_person,
                           "share_type": r.share_type, "parcel": r.parcel_code, "homestead": r.plot_code,
                           "units": _text(r.units), "area_mu": _text(r.area_mu), "area_m2": _text(r.area_m2),
                           "price": f"{r.price:.2f}"} for r in rows],
        }, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r.journal_no or '-':>5} {r.village_name} {TYPE_LABELS[r.type]} {STATE_LABELS[r.state]} "
                   f"{r.agreement_date} {r.from_household or r.from_person or ''} → "
                   f"{r.to_household or r.to_person or '本组织'} {r.price:.2f} 元")
    click.echo(f"合计 {totals.count} 笔：{totals.area_mu} 亩，{totals.area_m2} ㎡，{totals.units} 股，"
               f"{totals.price} 元")
