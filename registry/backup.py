"""Backup and restore of the whole database (``flask --app registry backup OUT`` / ``restore IN``).

SQLite: SQLite's online backup API — a consistent copy taken while the application keeps running; a
restore copies the backup back page by page into the live database file. PostgreSQL: ``pg_dump``
(custom format) and ``pg_restore --clean``, run with the connection settings of the configured URL
(the password is passed in ``PGPASSWORD``, never on the command line); when those programs are not
installed the commands print what to run instead.

:func:`table_fingerprint` gives per-table row counts and checksums, printed after a backup and a
restore so the two can be compared."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Engine, make_url

from registry.private_files import create_private


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message (Chinese) says why."""


@dataclass(frozen=True)
class TableState:
    rows: int
    checksum: str


def table_fingerprint(engine: Engine, metadata: MetaData) -> dict[str, TableState]:
    """Row count and SHA-256 of the rows (ordered by primary key) of every table of ``metadata``."""
    out = {}
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue
            digest, rows = hashlib.sha256(), 0
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
                rows += 1
            out[table.name] = TableState(rows, digest.hexdigest()[:16])
    return out


# --- SQLite -----------------------------------------------------------------------------------------------

def backup_sqlite(engine: Engine, out: Path) -> None:
    """Write a consistent copy of the SQLite database to ``out`` (replaced if it exists)."""
    out = Path(out)
    create_private(out)  # 0600: the backup holds every ID number
    target = sqlite3.connect(out)
    try:
        with engine.connect() as conn:
            conn.connection.driver_connection.backup(target)
    finally:
        target.close()


def restore_sqlite(engine: Engine, source: Path) -> None:
    """Replace the SQLite database's content with the backup ``source`` (checked first: a SQLite file
    that passes ``PRAGMA integrity_check`` and holds the registry's tables)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = backup.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if check != "ok" or "areas" not in tables:
                raise BackupError(f"不是本系统的 SQLite 备份文件，或文件已损坏：{source}")
            engine.dispose()  # no pooled connection keeps an old view of the schema
            with engine.connect() as conn:
                backup.backup(conn.connection.driver_connection)
        finally:
            backup.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"不是本系统的 SQLite 备份文件，或文件已损坏：{source}（{exc}）") from exc
    engine.dispose()


# --- PostgreSQL -------------------------------------------------------------------------------------------

def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore and the environment carrying the password."""
    url = make_url(engine.url)
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-U", url.username or "postgres",
            "-d", url.database or ""]
    options = url.query.get("options", "")
    schema = options.split("search_path=", 1)[1].split(",")[0].strip() if "search_path=" in options else None
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    return args + (["-n", schema] if schema else []), env


def pg_guidance(engine: Engine, kind: str, path: Path) -> str:
    """The command to run by hand when pg_dump / pg_restore is not installed."""
    args, _env = _pg_args(engine)
    conn = " ".join(args)
    if kind == "backup":
        return f"PGPASSWORD=… pg_dump --format=custom --file {path} {conn}"
    return f"PGPASSWORD=… pg_restore --clean --if-exists --no-owner --single-transaction {conn} {path}"


def backup_postgres(engine: Engine, out: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("未找到 pg_dump（请安装 postgresql-client），或手工执行：\n  " +
                          pg_guidance(engine, "backup", out))
    args, env = _pg_args(engine)
    create_private(Path(out))  # 0600 before pg_dump writes into it
    _run([program, "--format=custom", "--file", str(out), *args], env)


def restore_postgres(engine: Engine, source: Path) -> None:
    program = shutil.which("pg_restore")
    if program is None:
        raise BackupError("未找到 pg_restore（请安装 postgresql-client），或手工执行：\n  " +
                          pg_guidance(engine, "restore", source))
    if not Path(source).is_file():
        raise BackupError(f"备份文件不存在：{source}")
    engine.dispose()  # pg_restore --clean drops tables: no pooled connection may hold a lock on them
    args, env = _pg_args(engine)
    _run([program, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)], env)


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败（退出码 {result.returncode}）：{result.stderr.strip()[:2000]}")


def backup(engine: Engine, out: Path) -> None:
    (backup_sqlite if engine.dialect.name == "sqlite" else backup_postgres)(engine, Path(out))


def restore(engine: Engine, source: Path) -> None:
    (restore_sqlite if engine.dialect.name == "sqlite" else restore_postgres)(engine, Path(source))
