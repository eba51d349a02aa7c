"""PDF downloads of the A4 print views (issue 12 item 4), rendered from the very HTML of the print view
with WeasyPrint: the same templates, the print media rules of ``static/css/print.css`` (page size, margins,
page numbers, repeated table headings) and the CJK fonts of the system (fonts-noto-cjk; embedded as
subsets, so the file shows the same characters on any machine).

The stylesheets are read from the static folder as files: the renderer fetches nothing over the network
(the app's own URL need not be reachable from the server process)."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Response, current_app

from registry.views.downloads import attachment_response

PDF = "application/pdf"


def _local_static(html: str) -> tuple[str, str]:
    """``html`` with the static URLs (``/static/…``) pointing at the static folder's files, and that
    folder as a ``file://`` base URL. The screen stylesheet is left out: print.css styles the whole
    printed page (app.css's hundreds of selectors cost WeasyPrint ~5 s of matching on a long roster)."""
    folder = Path(current_app.static_folder).resolve()
    prefix = current_app.static_url_path.rstrip("/") + "/"
    base = folder.as_uri() + "/"
    html = re.sub(r'<link rel="stylesheet" href="' + re.escape(prefix) + r'css/app\.css[^"]*">', "", html)
    for quote in ('"', "'"):
        html = html.replace(f"href={quote}{prefix}", f"href={quote}{base}")
        html = html.replace(f"src={quote}{prefix}", f"src={quote}{base}")
    return html, base


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered print view."""
    import weasyprint  # ~0.7 s to import: paid by the first PDF, not by every start of the app or CLI

    html, base = _local_static(html)
    return weasyprint.HTML(string=html, base_url=base, media_type="print").write_pdf()


def pdf_response(html: str, filename: str) -> Response:
    return attachment_response(render_pdf(html), filename, PDF)
