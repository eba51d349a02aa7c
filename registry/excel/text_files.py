"""Text files (CSV) as saved on Chinese Windows: Excel and WPS write "CSV" in the ANSI code page (GBK),
"CSV UTF-8" with a byte-order mark, and some tools UTF-8 without one."""
from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (with or without BOM), else as GB18030 (a superset of GBK and GB2312).

    Raises ``UnicodeDecodeError`` when neither decodes it (a binary file, or another encoding)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")
