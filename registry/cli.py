"""``flask --app registry …`` commands: thin wrappers over services; one transaction each."""
from __future__ import annotations

import sys

import click
from flask import Flask

from registry.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(create_user_cmd)
    from registry.cli_roster import register_roster_cli

    register_roster_cli(app)

    from registry.cli_ops import register_ops_cli  # issue 4: backup / restore

    register_ops_cli(app)


@click.command("init-db")
@click.option("--demo", is_flag=True, help="加载演示区划（临淄区12个镇街、演示村）和各角色演示用户")
def init_db(demo: bool) -> None:
    """Create or upgrade the schema with the migrations (and optionally load the demo district)."""
    from registry.schema import SchemaMismatch, upgrade_schema
    from registry.services.demo import load_demo

    try:
        upgrade_schema()
    except SchemaMismatch as exc:
        raise click.ClickException(
            f"数据库中已有数据表，但与当前版本不一致且没有迁移记录，无法自动升级：{exc}") from exc
    if demo:
        users = load_demo(db.session)
        db.session.commit()
        click.echo("演示用户（用户名 / 密码 / 角色 / 区划）：")
        for username, password, role, area in users:
            click.echo(f"  {username:10s} {password}  {role:9s} {area}")
    else:
        db.session.commit()
    click.echo("数据库已就绪")


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["clerk", "town", "district", "admin"]), required=True)
@click.option("--area", "area_code", required=True, help="区划代码（村12位、镇9位或12位、区6位或12位）")
def create_user_cmd(name: str, role: str, area_code: str) -> None:
    """Create a user; the password is read from standard input."""
    from registry.services.areas import area_by_code
    from registry.services.errors import DomainError
    from registry.services.users import create_user

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
    click.echo(f"已创建用户 {name}（{role}，{area.name}）")
