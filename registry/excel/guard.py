"""Zip-bomb and cell-bomb guard for roster workbooks, run before python-calamine opens a file.

calamine builds a dense cell range from the lowest to the highest cell it finds, so a 1.5 KB xlsx with
one value in A1 and one in XFD1048576 asks for 17 billion cells and aborts the process, and a 1.4 KB
.ods whose row repeats a million times takes 1.6 GB. The guard refuses such files with
``file.too_large`` before calamine sees them:

- **uncompressed size** — the sizes the zip declares, and the bytes really inflated from each
  worksheet, must stay within ``max_uncompressed``;
- **cell count** — no value may lie beyond row ``max_rows`` or column ``max_columns``, so the range
  calamine allocates has at most ``max_rows × max_columns`` cells. Empty cells (formatted rows down to
  row 1,048,576 are common) are ignored, as calamine ignores them.

The worksheet XML is scanned with one regular expression for references beyond the limits (a 100k-row
roster: ~0.4 s against ~3 s for calamine to read it). Attribute syntax other than ``r="…"`` (single
quotes, spaces around ``=``), which no spreadsheet program writes, falls back to a slower exact scan.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

_CHUNK = 8 * 1024 * 1024
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


class TooLarge(Exception):
    """The workbook exceeds a bound: ``detail`` (Chinese) names the cell bound, None means the
    uncompressed size."""

    def __init__(self, detail: str | None = None):
        super().__init__(detail or "uncompressed size")
        self.detail = detail


# --- regular expressions for "a number / a column beyond the limit" ---------------------------------------

def _greater_number(n: int) -> str:
    """Regex for a decimal integer (no leading zeros) greater than ``n``."""
    digits = str(n)
    alts = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            alts.append(digits[:i] + f"[{int(ch) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alts) + ")"


def column_name(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA (Excel column letters)."""
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _greater_column(n: int) -> str:
    """Regex for column letters (either case, at most 3) of a column after column ``n``."""
    name = column_name(n)
    alts = [f"[A-Za-z]{{{len(name) + 1},3}}"] if len(name) < 3 else []
    for i, ch in enumerate(name):
        if ch != "Z":
            rest = len(name) - i - 1
            nxt = chr(ord(ch) + 1)
            prefix = "".join(f"[{c}{c.lower()}]" for c in name[:i])
            alts.append(prefix + f"[{nxt}-Z{nxt.lower()}-z]" + (f"[A-Za-z]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alts) + ")" if alts else "(?!)"


# The rest of an opening tag that is not self-closing (quoted values may hold "/" or ">"), then what
# follows it unless that is only empty self-closing cells up to </row>. Possessive quantifiers: no
# backtracking into a shorter run of empty cells (that would match every formatted row).
_OPEN_TAG_REST = r"""(?:[^>/"']++|"[^"]*+"|'[^']*+')*+>"""
_NOT_ONLY_EMPTY_CELLS = r"(?:\s*<c\b[^>]*/>)*+\s*<(?!/row>)"


def _beyond(max_rows: int, max_columns: int, quote: str, equals: str) -> re.Pattern[bytes]:
    """``r="…"`` references beyond the limits in a tag that is not self-closing and is followed by
    something other than empty cells and ``</row>``: a self-closing ``<c …/>`` is an empty cell, a
    ``<row>`` holding only those is an empty row (Excel writes formatting that way down the sheet)."""
    ref = f"(?:{_greater_column(max_columns)}[0-9]+|[A-Za-z]{{0,3}}{_greater_number(max_rows)})"
    return re.compile(f"r{equals}{quote}{ref}{quote}{_OPEN_TAG_REST}{_NOT_ONLY_EMPTY_CELLS}".encode())


# --- xlsx -------------------------------------------------------------------------------------------------

def check_xlsx(zf: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_uncompressed: int) -> None:
    """Raise :class:`TooLarge` when the workbook exceeds the bounds (see the module docstring)."""
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > max_uncompressed:
        raise TooLarge()
    fast = _beyond(max_rows, max_columns, '"', "=")
    exact = _beyond(max_rows, max_columns, "[\"']", r"\s*=\s*")
    inflated = 0
    for info in infos:
        if not _WORKSHEET.fullmatch(info.filename):
            continue
        with zf.open(info) as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                inflated += len(chunk)
                if inflated > max_uncompressed:
                    raise TooLarge()
                block = tail + chunk
                # Scan whole rows: cut after the last </row> (or, inside a huge row, at the last tag).
                cut = block.rfind(b"</row>")
                cut = cut + 6 if cut >= 0 else max(block.rfind(b"<"), 0)
                _scan(block[:cut], fast, exact, max_rows, max_columns)
                tail = block[cut:]
            _scan(tail, fast, exact, max_rows, max_columns)


def _scan(block: bytes, fast: re.Pattern[bytes], exact: re.Pattern[bytes], max_rows: int, max_columns: int) -> None:
    pattern = exact if _unusual_attributes(block) else fast
    for match in pattern.finditer(block):
        if _holds_a_value(block, match.start()):
            raise TooLarge(f"{max_rows} 行或 {max_columns} 列")


def _unusual_attributes(block: bytes) -> bool:
    """True when some ``=`` is not written as ``="`` (single quotes, white space around it)."""
    if block.count(b"=") != block.count(b'="'):
        return True
    return any(s in block for s in (b" =", b"\t=", b"\n=", b"\r="))


def _holds_a_value(block: bytes, at: int) -> bool:
    """Whether the element whose ``r`` attribute starts at ``at`` places a value: a ``<c>`` that is
    not self-closing, or a ``<row>`` with a value inside (cells without ``r`` take the row's number).
    Other elements (and attributes merely ending in "r") do not count."""
    if at == 0 or block[at - 1:at] not in (b" ", b"\t", b"\n", b"\r"):
        return False
    start = block.rfind(b"<", 0, at)
    end = block.find(b">", at)
    if start < 0:
        return False
    name = block[start + 1:at].split(None, 1)[0] if block[start + 1:at].strip() else b""
    name = name.rsplit(b":", 1)[-1]
    if name == b"c":
        return True
    if name == b"row":
        close = block.find(b"</row>", end)
        body = block[end:close if close >= 0 else len(block)]
        return b"<v" in body or b"<is" in body or b"<f" in body or close < 0
    return False


# --- ods --------------------------------------------------------------------------------------------------

_ODS_TOKEN = re.compile(
    rb"<table:table-row\b([^>]*?)(/?)>|</table:table-row>|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>"
    rb"|<table:table[\s>]|<text:p\b")
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]+)')
_REPEAT_COLS = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]+)')


def check_ods(zf: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_uncompressed: int) -> None:
    """The .ods counterpart of :func:`check_xlsx`: repeated rows and cells are counted as calamine
    expands them, up to the last row and column holding a value."""
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > max_uncompressed:
        raise TooLarge()
    try:
        info = zf.getinfo("content.xml")
    except KeyError:
        return
    with zf.open(info) as stream:
        content = stream.read(max_uncompressed + 1)
    if len(content) > max_uncompressed:
        raise TooLarge()
    _walk_ods(content, max_rows, max_columns, _raise_too_large)


def _raise_too_large(rows: int, columns: int) -> None:
    raise TooLarge(f"{rows} 行或 {columns} 列")


def _walk_ods(content: bytes, max_rows: int, max_columns: int, refuse: Callable[[int, int], None]) -> None:
    row, row_repeat = 0, 1  # rows before the current row element; its repeat count
    col, col_repeat = 0, 1  # cells before the current cell element; its repeat count

    def value_here() -> None:
        if row + row_repeat > max_rows or col + col_repeat > max_columns:
            refuse(max_rows, max_columns)

    for m in _ODS_TOKEN.finditer(content):
        token = m.group(0)
        if token.startswith(b"<table:table-row"):
            reps = _REPEAT_ROWS.search(m.group(1))
            row_repeat = int(reps.group(1)) if reps else 1
            col, col_repeat = 0, 0
            if m.group(2):  # <table:table-row …/>: an empty row
                row, row_repeat = row + row_repeat, 1
        elif token == b"</table:table-row>":
            row, row_repeat = row + row_repeat, 1
        elif token.startswith((b"<table:table-cell", b"<table:covered")):
            col += col_repeat
            reps = _REPEAT_COLS.search(m.group(3))
            col_repeat = int(reps.group(1)) if reps else 1
            if b"office:value-type" in m.group(3):
                value_here()
        elif token.startswith(b"<table:table"):  # a new sheet
            row, row_repeat, col, col_repeat = 0, 1, 0, 0
        else:  # <text:p> inside the current cell
            value_here()
