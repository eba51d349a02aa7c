"""Download responses: .xlsx bytes with a Chinese file name (RFC 5987 ``filename*``)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> Response:
    ascii_name = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    resp = Response(data, mimetype=XLSX)
    resp.headers["Content-Disposition"] = disposition
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
