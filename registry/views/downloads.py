"""Download responses: .xlsx bytes with a Chinese file name (RFC 5987 ``filename*``).

Every download name passes :func:`safe_filename` here, in one place: names derived from an uploaded
file's name may hold anything a client sent (CR/LF would break the header — a 500 — and bidi controls
can disguise the extension)."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control (Cc), format (Cf: bidi overrides, zero-width) and line/paragraph separator characters.
_STRIPPED = {"Cc", "Cf", "Zl", "Zp"}


def safe_filename(filename: str, default: str = "download.xlsx") -> str:
    """``filename`` without control, format and separator characters, path separators made "_"."""
    cleaned = "".join(c for c in filename if unicodedata.category(c) not in _STRIPPED)
    cleaned = cleaned.replace("/", "_").replace("\\", "_").strip(" .")
    return cleaned or default


def xlsx_response(data: bytes, filename: str) -> Response:
    return attachment_response(data, filename, XLSX)


def attachment_response(data: bytes, filename: str, mimetype: str) -> Response:
    """``data`` as a download named ``filename`` (.xlsx, the print views' PDF)."""
    filename = safe_filename(filename)
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    resp = Response(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = disposition
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
