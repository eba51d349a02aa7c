"""Uploaded files kept between the preview and the apply step of an import.

Stored under ``<instance>/uploads/<token>.bin`` with a JSON sidecar naming the user and the
village, so a token is only good for the user who uploaded it. Files older than a day are removed."""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from registry.private_files import write_private

MAX_AGE_SECONDS = 24 * 3600


def upload_folder(app) -> Path:
    """The folder of ``app`` (config ``UPLOAD_FOLDER``, default ``<instance>/uploads``)."""
    return Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads")


def save_upload(folder: Path, data: bytes, *, user_id: int, area_code: str, filename: str) -> str:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep(folder)
    token = secrets.token_hex(16)
    # Rosters hold ID numbers: owner-only files (0600).
    write_private(folder / f"{token}.bin", data)
    meta = {"user_id": user_id, "area_code": area_code, "filename": filename}
    write_private(folder / f"{token}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def load_upload(folder: Path, token: str, *, user_id: int, area_code: str) -> tuple[bytes, str] | None:
    """``(data, filename)`` for a token of this user and village, else None."""
    if len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        return None
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.bin"
    if not meta_path.exists() or not data_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != user_id or meta.get("area_code") != area_code:
        return None
    return data_path.read_bytes(), meta.get("filename") or "roster.xlsx"


def discard_upload(folder: Path, token: str) -> None:
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
