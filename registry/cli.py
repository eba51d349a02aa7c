"""``flask --app registry …`` commands: thin wrappers over services; one transaction each."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from registry.cli_charter import register_charter_cli
from registry.cli_homesteads import register_homesteads_cli
from registry.cli_hukou_feed import register_hukou_feed_cli
from registry.cli_land import register_land_cli
from registry.cli_members import register_members_cli
from registry.cli_ops import register_ops_cli
from registry.cli_roster import register_roster_cli
from registry.cli_shares import register_shares_cli
from registry.excel.text_files import decode_text
from registry.extensions import db
from registry.permissions import ROLE_LABELS
from registry.schema import SchemaMismatch, upgrade_schema
from registry.services.areas import area_by_code
from registry.services.calendar import covered_years, load_default_holidays, load_holidays, parse_holidays
from registry.services.demo import load_demo
from registry.services.errors import DomainError
from registry.services.filing.notices import recount_provisional
from registry.services.users import change_password, create_user, user_by_name


def _pad(text: str, width: int) -> str:
    """Left-justify ``text`` to ``width`` terminal columns (a CJK character takes two)."""
    used = sum(2 if ord(c) > 0x2E7F else 1 for c in text)
    return text + " " * max(0, width - used)


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(create_user_cmd)
    app.cli.add_command(set_password_cmd)
    app.cli.add_command(load_holidays_cmd)
    register_roster_cli(app)
    register_members_cli(app)
    register_homesteads_cli(app)  # issue 15: homestead register
    register_land_cli(app)  # issue 15: land contract register
    register_ops_cli(app)  # issue 4: backup / restore
    register_charter_cli(app)  # issue 16: charter settings
    register_shares_cli(app)  # issue 16: shares and dividends
    register_hukou_feed_cli(app)  # issue 12: the police's hukou change feed


@click.command("init-db")
@click.option("--demo", is_flag=True, help="加载演示区划（临淄区12个镇街、演示村）和各角色演示用户")
def init_db(demo: bool) -> None:
    """Create or upgrade the schema with the migrations (and optionally load the demo district).
    The shipped holiday calendar (imports/holidays.csv) is loaded either way: notices need it (F-05)."""
    try:
        upgrade_schema()
    except SchemaMismatch as exc:
        raise click.ClickException(
            f"数据库中已有数据表，但与当前版本不一致且没有迁移记录，无法自动升级：{exc}") from exc
    load_default_holidays(db.session)
    if demo:
        users = load_demo(db.session)
        db.session.commit()
        click.echo("演示用户（用户名 / 密码 / 角色 / 区划）：")
        for username, password, role, area in users:
            click.echo(f"  {username:10s} {password}  {_pad(ROLE_LABELS.get(role, role), 12)} {area}")
    else:
        db.session.commit()
    click.echo("数据库已就绪")


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["clerk", "town", "district", "admin"]), required=True)
@click.option("--area", "area_code", required=True, help="区划代码（村12位、镇9位或12位、区6位或12位）")
def create_user_cmd(name: str, role: str, area_code: str) -> None:
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    area = area_by_code(db.session, area_code)
    if area is None:
        raise click.ClickException(f"区划不存在：{area_code}")
    try:
        create_user(db.session, name, password, role, area)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"已创建用户 {name}（{ROLE_LABELS.get(role, role)}，{area.name}）")


@click.command("set-password")
@click.argument("name")
def set_password_cmd(name: str) -> None:
    """Set a user's password (read from standard input) and sign the user out everywhere."""
    password = sys.stdin.readline().rstrip("\r\n")
    user = user_by_name(db.session, name)
    if user is None:
        raise click.ClickException(f"用户不存在：{name}")
    try:
        change_password(db.session, user, password, actor=None)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"已更新用户 {name} 的密码，其所有已登录会话均已失效")


@click.command("load-holidays")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_holidays_cmd(file: Path) -> None:
    """Load statutory holidays and adjusted working days (调休) from a CSV file with the columns
    date,is_workday,name (is_workday 1 = adjusted working day, 0 = holiday). Dates already in the
    calendar are updated; the whole file is checked first and nothing is written on an error (F-05)."""
    try:
        rows = parse_holidays(decode_text(file.read_bytes()))
    except UnicodeDecodeError as exc:
        raise click.ClickException("节假日文件须为 CSV 文本文件（UTF-8 或 GBK 编码）") from exc
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    counts = load_holidays(db.session, rows)
    extended = recount_provisional(db.session, actor=None)
    years = covered_years(db.session)
    db.session.commit()
    click.echo(f"节假日日历：新增 {counts['added']} 条，更新 {counts['updated']} 条，无变化 {counts['unchanged']} 条")
    if extended:
        click.echo(f"已按正式日历延长 {len(extended)} 份暂定公示：" + "、".join(
            f"{n.extended_from.isoformat()} → {n.ends_on.isoformat()}" for n in extended))
    click.echo("已维护年份：" + ("、".join(str(y) for y in years) or "无"))
