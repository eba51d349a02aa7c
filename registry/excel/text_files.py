"""Text files (CSV) as saved on Chinese Windows: Excel and WPS write "CSV" in the ANSI code page (GBK),
"CSV UTF-8" with a byte-order mark, and some tools UTF-8 without one."""
from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (with or without BOM), else as GB18030 (a superset of GBK and GB2312).

    Raises ``UnicodeDecodeError`` when neither decodes it to text without NUL characters (a binary file,
    UTF-16, or another encoding)."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnicodeDecodeError("gb18030", data[:1], 0, 1, "neither UTF-8 nor GBK text")
