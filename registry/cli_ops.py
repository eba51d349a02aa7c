"""Operations commands: ``flask --app registry backup OUT`` and ``restore IN`` (registry/backup.py)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from registry.backup import BackupError, backup, restore, table_fingerprint
from registry.extensions import db
from registry.jobs import jobs
from registry.services import audit


def register_ops_cli(app: Flask) -> None:
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)
    app.cli.add_command(jobs_worker_cmd)


@click.command("jobs-worker")
@click.option("--workers", default=1, show_default=True, help="同时处理的任务数（线程）")
def jobs_worker_cmd(workers: int) -> None:
    """Run the background-job worker as a process of its own (registry/jobs.py): it takes long imports off
    the queue (JOB_QUEUE_URL) until stopped with Ctrl-C / SIGTERM. Set JOB_WORKER_THREAD=False in the web
    processes when this runs."""
    click.echo(f"后台任务处理进程已启动（{workers} 个线程），按 Ctrl-C 停止")
    jobs.huey.create_consumer(workers=workers, worker_type="thread").run()


def _print_fingerprint(title: str) -> None:
    click.echo(title)
    for name, state in table_fingerprint(db.engine, db.metadata).items():
        click.echo(f"  {name:22s} {state.rows:>9d} 行  {state.checksum}")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_cmd(out: Path) -> None:
    """Back up the whole database to OUT (SQLite: online backup API; PostgreSQL: pg_dump)."""
    db.session.remove()
    try:
        backup(db.engine, out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_fingerprint(f"已备份到 {out}（各表行数与校验值）：")
    # A backup holds every resident ID: it is an export of everything, so it is audited (after the copy).
    audit.record(db.session, actor=None, action="backup.create", target_type="database", target_id=None,
                 area_code=current_app.config["DISTRICT_CODE"], file=str(out), bytes=out.stat().st_size)
    db.session.commit()


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认，直接用备份替换当前数据库的全部内容")
def restore_cmd(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup SOURCE (made by the backup command)."""
    if not yes:
        click.confirm(f"将用 {source} 替换当前数据库的全部内容，确定吗？", abort=True)
    db.session.remove()
    try:
        restore(db.engine, source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_fingerprint(f"已从 {source} 恢复（各表行数与校验值，可与备份时的输出对照）：")
    # Written after the copy, into the restored database (the one that is now live).
    audit.record(db.session, actor=None, action="backup.restore", target_type="database", target_id=None,
                 area_code=current_app.config["DISTRICT_CODE"], file=str(source))
    db.session.commit()
