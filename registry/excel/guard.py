"""Zip-bomb and cell-bomb guard for roster workbooks, run before python-calamine opens a file.

calamine builds a dense cell range from the lowest to the highest cell holding a value, so a 1.5 KB
xlsx with one value in A1 and one in XFD1048576 asks for 17 billion cells and aborts the process; cells
written without ``r="A1"`` references take the next position (a row of 16,383 empty ``<c/>`` puts the
next value in column XFD); a 1.4 KB .ods whose row repeats a million times takes 1.6 GB (its check:
``registry.excel.ods_guard``). The guard refuses such files with ``file.too_large`` before calamine sees them:

- **uncompressed size** — the sizes the zip declares, and the bytes really inflated from every part,
  must stay within ``max_uncompressed``; the shared-strings part within a quarter of it;
- **cell count** — every ``<row>`` and ``<c>`` element is placed as calamine places it (explicit
  reference, or the position after the previous one); no value may lie beyond row ``max_rows`` or
  column ``max_columns``, and the rectangle from the first to the last value may hold at most
  ``max_cells`` cells (calamine keeps ~30 bytes per cell of it); at most ``max_cells // 2`` shared
  strings. Empty cells (formatted rows down to row 1,048,576 are common) are placed but not counted,
  as calamine ignores them; a position beyond Excel's grid is refused.

.xlsb (binary records) is not read at all: the reader refuses it (``file.not_excel``) and asks for .xlsx.

Speed: a sheet as Excel and the libraries write it (every ``<row>`` and ``<c>`` with ``r="…"`` first, rows
in order, so a bound sampled from a block's first and last cells holds all its cells) is checked a block at a
time by a few regular-expression scans that create no Python object per cell (:meth:`_SheetScan.quick`);
anything else, or any block whose upper bound does not fit, goes through the exact walk. The quick bound is
an over-estimate, so a part it would refuse is scanned again exactly before anything is refused
(:func:`check_xlsx`).
"""
from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from operator import itemgetter

from registry.excel.extent import EXCEL_COLUMNS, EXCEL_ROWS, Extent, TooLarge, column_index, column_name

__all__ = ["TooLarge", "Extent", "check_xlsx", "column_name", "column_index", "EXCEL_ROWS", "EXCEL_COLUMNS"]

_CHUNK = 8 * 1024 * 1024

# --- xlsx -------------------------------------------------------------------------------------------------

# An opening <row> or <c> tag (any namespace prefix) with its attributes (quoted values may hold ">");
# closing tags do not match. Comments are not skipped: a cell inside one is over-counted, never missed.
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
_PREFIXED_SI = re.compile(rb"<[A-Za-z_][\w.\-]*:si[\s/>]")
_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")  # <x:c …>: a namespace prefix (or such text)
# A cell that is not self-closing ("/" only occurs unquoted in "/>"): its column letters and its row
# number, in one pass.
_VALUE_CELL = re.compile(rb"""<c r="([^0-9"]*)([^"]*+)"(?:[^>"'/]++|"[^"]*+"|'[^']*+')*+>""")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)\s*([0-9]*)""")
# For blocks of empty formatted rows without references (Excel writes them down to row 1,048,576):
_VALUE_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?c(?:\s(?:[^>"'/]++|"[^"]*+"|'[^']*+')*+)?>""")
_ANY_REF = re.compile(rb"\sr\s*=")
_ROW_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s/>]")
_CELL_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
# The root of a shared-strings part, wherever the relationships put it and whatever its name.
_SHARED_STRINGS_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst[\s>]")
_MAX_TAG = _CHUNK


# The quick path (see _SheetScan.quick): scans with a literal prefix run at C speed, one object per hit.
_PREFIXED_ANY = re.compile(rb":(?:row|c|si)[\s/>]")  # _PREFIXED and _PREFIXED_SI (or such text)
_SAMPLE_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_SAMPLE = 16_384


@lru_cache(maxsize=64)
def _odd_tag(columns: bytes, rows: bytes) -> re.Pattern[bytes]:
    """A ``<c`` not followed by a letter (``<cols>``) nor by `` r="`` + ``columns`` + ``rows`` + ``"``; a
    ``<row`` not followed by a letter (``<rowBreaks>``) nor by `` r="``; a ``<si``. One scan finds any of
    the three (measured ~15% cheaper than three scans of the block)."""
    return re.compile(rb'<(?:c(?! r="' + columns + rows + rb'")(?![A-Za-z])|row(?! r=")(?![A-Za-z])|si)')


def _bounds(refs: list[tuple[bytes, bytes]]) -> tuple[int, int, re.Pattern[bytes]] | None:
    """From sampled references: a row bound R, a column bound C and the :func:`_odd_tag` pattern for
    them (the bound is rounded up to what one character class can check: a single letter up to
    the sampled one, or a first letter up to the sampled one and any second; rows up to the sampled
    number's leading digit followed by nines). None: columns beyond ZZ."""
    col = max(column_index(letters) for letters, _ in refs)
    digits = max((d.lstrip(b"0") or b"0" for _, d in refs), key=lambda d: (len(d), d))
    if col <= 26:
        columns, col = b"[A-" + column_name(col).encode() + b"]", col
    elif col <= 702:
        first = (col - 1) // 26
        columns, col = b"[A-" + column_name(first).encode() + b"]?[A-Z]", first * 26 + 26
    else:
        return None
    k, lead = len(digits), digits[0] - 48
    if k == 1 or lead == 9:
        rows, row = b"[0-9]{1,%d}+" % k, 10 ** k - 1
    else:  # k digits starting with 0..lead, or fewer digits
        rows, row = b"[0-%d]?[0-9]{1,%d}+" % (lead, k - 1), (lead + 1) * 10 ** (k - 1) - 1
    return row, col, _odd_tag(columns, rows)


def check_xlsx(zf: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_uncompressed: int,
               max_cells: int | None = None, quick: bool = True) -> None:
    """Raise :class:`TooLarge` when the workbook exceeds the bounds (see the module docstring).

    Each part is scanned with the quick path, whose extent is an upper bound of the exact one: when it
    refuses a cell bound, the part is scanned again by the exact walk alone, which decides. A size
    bound (``detail`` None) is exact either way. ``quick=False``: the exact walk alone (for tests)."""
    infos = zf.infolist()
    if sum(i.file_size for i in infos) > max_uncompressed:
        raise TooLarge()
    max_cells = max_cells if max_cells is not None else max_rows * max_columns
    inflated = 0
    # Every part is scanned, whatever its name: the relationships, not the names, tell calamine which
    # parts are worksheets (a sheet may be stored as "xl/media/x.bin"). Binary parts cost a little time.
    for info in infos:
        bounds = (zf, info, max_rows, max_columns, max_cells, max_uncompressed, inflated)
        try:
            inflated += _scan_part(*bounds, quick=quick)
        except TooLarge as refused:
            if refused.detail is None or not quick:
                raise
            inflated += _scan_part(*bounds, quick=False)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int, max_columns: int, max_cells: int,
               max_uncompressed: int, inflated: int, *, quick: bool) -> int:
    """Scan one part (``inflated``: bytes inflated from the parts before it); return its inflated size."""
    scan = _SheetScan(Extent(max_rows, max_columns, max_cells), max_cells // 2)
    part_limit, part = max_uncompressed, 0
    with zf.open(info) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if part == 0 and _SHARED_STRINGS_ROOT.search(chunk, 0, 65_536):
                part_limit = max_uncompressed // 4
            part += len(chunk)
            if inflated + part > max_uncompressed or part > part_limit:
                raise TooLarge()
            cut = chunk.rfind(b"<")  # a tag may continue in the next chunk ("<" never occurs in a value)
            if quick and cut >= 0 and scan.quick(tail, chunk, cut):
                tail = chunk[cut:]  # as below: the block's last "<" is the chunk's
            else:
                block = tail + chunk
                cut = block.rfind(b"<")
                cut = len(block) if cut < 0 else cut
                scan.feed(block, cut)
                tail = block[cut:]
            if len(tail) > _MAX_TAG:
                raise TooLarge()  # one tag of megabytes: nothing a spreadsheet program writes
        scan.feed(tail, len(tail))
    return part


def _all_referenced(block: bytes, name: bytes, end: int) -> bool:
    """Whether every ``<name`` tag in the block is written ``<name r="`` (tags with longer names such
    as ``<cols>`` or ``<rowBreaks>`` aside)."""
    other = block.count(b"<" + name, 0, end) - block.count(b"<" + name + b' r="', 0, end)
    if other:
        other -= len(re.findall(b"<" + name + b"[A-Za-z]", block[:end]))
    return other == 0


class _SheetScan:
    """Walks the ``<row>`` and ``<c>`` tags of one part as calamine places them: a row without ``r``
    follows the previous row, a cell without ``r`` follows the previous cell of its row. Cells that are
    not self-closing count as values; ``<si>`` (shared strings, one per distinct text) count too.

    A block in which every row and cell carries a plain ``r="…"`` first (what Excel, WPS and the
    libraries write) takes a fast path: the extent of its values from one regular expression; only its
    last row is walked tag by tag, to carry the position into the next block. :meth:`quick` gets the
    same result as the fast path (or an upper bound of it) without a Python object per cell."""

    __slots__ = ("extent", "max_strings", "row", "col", "strings")

    def __init__(self, extent: Extent, max_strings: int):
        self.extent, self.max_strings = extent, max_strings
        self.row = self.col = self.strings = 0

    def quick(self, tail: bytes, chunk: bytes, cut: int) -> bool:
        """Scan the block ``tail + chunk[:cut]`` (without joining them) when :meth:`feed` would take its
        fast path on it, and return True; False (nothing done): let :meth:`feed` scan it.

        The checks are exactly the conditions of that fast path: no prefixed ``row``/``c``/``si`` tag,
        no ``<si``, every ``<row`` and ``<c`` (not followed by a letter) written ``<row r="`` /
        ``<c r="``, some ``r=`` (the sampled references: not an empty block), a ``<row`` to walk from; and,
        for the cells,
        that every ``<c r="`` reference is letters then digits within a bound sampled from the block's
        first and last cells (one regular-expression scan: no Python object per cell). The fast path
        then adds the rectangle of its value cells, which lies within rows 0..R and columns 1..C, and
        walks the last row; this adds that whole rectangle (an upper bound: empty cells included) and
        walks the same last row, so the position carried on is the same. If the rectangle does not fit
        the bounds, False: :meth:`feed` places the block exactly. Each check looks at most at the tag it
        starts in, and a tag never contains "<", so the block may be checked as two pieces: ``tail``
        with the chunk up to its first "<", and the rest of the chunk."""
        start = chunk.find(b"<")
        head = tail + chunk[:start]
        pieces = ((head, 0, len(head)), (chunk, start, cut))
        refs = (_SAMPLE_REF.findall(head) + _SAMPLE_REF.findall(chunk, start, min(cut, start + _SAMPLE))
                + _SAMPLE_REF.findall(chunk, max(start, cut - _SAMPLE), cut))
        bounds = _bounds(refs) if refs else None
        last_row = chunk.rfind(b"<row", start, cut)
        if bounds is None or last_row < 0 or not self.extent.fits(0, bounds[0], 1, bounds[1]):
            return False
        odd_tag = bounds[2]
        for text, begin, end in pieces:
            colon = text.find(b":", begin, end)
            if (colon >= 0 and _PREFIXED_ANY.search(text, colon, end)) or odd_tag.search(text, begin, end):
                return False
        self.extent.add(0, bounds[0], 1, bounds[1])
        self._walk(chunk, last_row, cut)
        return True

    def feed(self, block: bytes, end: int) -> None:
        # Over-counted (any tag starting "<si"), never under-counted.
        self.strings += block.count(b"<si", 0, end) + (len(_PREFIXED_SI.findall(block, 0, end))
                                                       if b":si" in block else 0)
        if self.strings > self.max_strings:
            self.extent.refuse()
        if self._empty_unreferenced(block, end):
            return
        last_row = block.rfind(b"<row", 0, end)
        if last_row < 0 or not self._fast(block, end):
            self._walk(block, 0, end)
        else:
            self._walk(block, last_row, end)

    def _empty_unreferenced(self, block: bytes, end: int) -> bool:
        """A block without a value cell and without any ``r=`` only moves the position: the rows by
        their number, the column by the cells after the last row. False: walk it."""
        if _VALUE_TAG.search(block, 0, end) or _ANY_REF.search(block, 0, end):
            return False
        rows = len(_ROW_OPEN.findall(block, 0, end))
        if rows:
            last = None
            for match in _ROW_OPEN.finditer(block, max(0, end - 65_536), end):
                last = match  # the last <row> start in the final 64 KB
            if last is None:
                return False  # a last row of more than 64 KB of empty cells: walk it
            self.row, self.col = self.row + rows, len(_CELL_OPEN.findall(block, last.end(), end))
        else:
            self.col += len(_CELL_OPEN.findall(block, 0, end))
        if self.row > EXCEL_ROWS or self.col > EXCEL_COLUMNS:
            self.extent.refuse()
        return True

    def _fast(self, block: bytes, end: int) -> bool:
        if _PREFIXED.search(block, 0, end):
            return False
        if not (_all_referenced(block, b"c", end) and _all_referenced(block, b"row", end)):
            return False
        cells = _VALUE_CELL.findall(block, 0, end)
        if not cells:
            return True
        letters = set(map(itemgetter(0), cells))
        digits = set(map(itemgetter(1), cells))
        if not all(c.isalpha() and c.isascii() for c in letters) or not all(d.isdigit() for d in digits):
            return False  # "A", "5", " A1": let the exact walk place them
        rows = [int(d) for d in digits]
        columns = [column_index(c) for c in letters]
        self.extent.add(min(rows), max(rows), min(columns), max(columns))
        return True

    def _walk(self, block: bytes, start: int, end: int) -> None:
        extent, row, col = self.extent, self.row, self.col
        for match in _TAG.finditer(block, start, end):
            name, attrs = match.group(1, 2)
            if name == b"c":
                ref = _REF.search(attrs)
                letters, digits = ref.group(1, 2) if ref else (b"", b"")
                col = column_index(letters) if letters else col + 1
                if col > EXCEL_COLUMNS:
                    extent.refuse()
                if not attrs.endswith(b"/"):
                    at = int(digits) if digits else row
                    extent.add(at, at, col, col)
            else:
                ref = _REF.search(attrs)
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                if row > EXCEL_ROWS:
                    extent.refuse()
        self.row, self.col = row, col
