"""The key that signs session cookies (issue 10 item 3).

A key comes from the configuration (``FLASK_SECRET_KEY``). Without one, a configuration that names a
``SECRET_KEY_FILE`` (development: ``instance/secret_key``) uses the key kept in that file, generating it
on the first start — 32 random bytes, hex, file mode 0600 — so ``make run``, ``flask --app registry`` and
gunicorn ``registry:create_app()`` never sign with a value anyone can read in the source. Production
generates nothing (``SECRET_KEY_GENERATE`` off): without ``FLASK_SECRET_KEY`` or an existing key file it
refuses to start. Several gunicorn
workers starting at once agree on one key: the file is created complete or not at all (``os.link``)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The key older versions committed in config.py: refused wherever it turns up (it signs forged cookies).
COMMITTED_KEYS = frozenset({"dev-only-not-secret"})


def key_file_path(setting: str | os.PathLike, instance_path: str) -> Path:
    """``setting`` as a path; a relative one lies in the instance folder."""
    path = Path(setting)
    return path if path.is_absolute() else Path(instance_path) / path


def load_or_create_key(path: Path, *, create: bool = True) -> str | None:
    """The key kept in ``path``; when the file does not exist, created (0600, parents as needed) if
    ``create``, else None (production: a key file the operator provides is read, never generated)."""
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic: fails if another process created the file first
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32 or key in COMMITTED_KEYS:
        raise RuntimeError(f"{path} does not hold a usable secret key: delete it to generate a new one")
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # a key readable by others signs their forged cookies
    return key
