"""Cell normalisers for spreadsheet imports (DESIGN §4 step 3; rules in shared/samples/README.md).

Each ``parse_*`` takes a raw cell value as a reader returns it (str, int, float, bool, date, datetime,
time or None) and returns the normalised Python value, ``None`` for a blank cell, or the sentinel
:data:`INVALID` when the cell cannot be understood. They never raise, so a validator can check every
cell of every row cheaply. Regexes are compiled once at import.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

__all__ = [
    "INVALID", "TRIM_CHARS", "clean_text", "strip_text_marker", "clean_free_text", "parse_text", "parse_name",
    "parse_date", "parse_household_no", "mark_invisible", "INVISIBLE_NOTE",
    "parse_group", "parse_shares", "parse_int", "parse_digits_code", "format_decimal",
]


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


#: Returned by a parser for a value it cannot understand (distinct from None = blank).
INVALID: Final = _Invalid()

_MEMO_SIZE: Final = 65536


def _memoised(parse):
    """Remember a pure parser's results by (type, value, args): roster columns repeat the same cells
    (村代码, 户编号, dates) thousands of times. Results are immutable (str, date, INVALID, None);
    unhashable values are parsed every time; the memory is bounded (cleared when full)."""
    memo: dict = {}

    def wrapped(value, *args):
        key = (value.__class__, value, args)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:
            return parse(value, *args)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        result = memo[key] = parse(value, *args)
        return result

    wrapped.__wrapped__ = parse
    wrapped.__doc__, wrapped.__name__ = parse.__doc__, parse.__name__
    return wrapped

#: Trimmed at both ends of every text cell: spaces, tabs, NBSP, ideographic space, zero-width, BOM.
TRIM_CHARS: Final = " \t\r\n\v\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"

#: Characters a clerk cannot see in a cell: zero-width, BOM, soft hyphen, direction marks, C0 controls.
_RE_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u00ad\u200b-\u200f\u202a-\u202e"
                           "\u2060-\u2064\ufeff]")
#: Appended to a quoted value that held such characters (they are left out of the quote).
INVISIBLE_NOTE: Final = "（其中含有看不见的字符，请删除后重新录入）"


def mark_invisible(text: str) -> str:
    """``text`` as quoted in a message: characters nobody can see (zero-width space, BOM, direction
    marks …) are left out and :data:`INVISIBLE_NOTE` is appended, so "3703…01" with a zero-width space
    inside does not look correct in the refusal."""
    if text.isascii() and text.isprintable():
        return text
    cleaned = _RE_INVISIBLE.sub("", text)
    return text if cleaned == text else cleaned + INVISIBLE_NOTE


# Minority-name separators (U+00B7, U+2022, U+30FB, U+FF0E->".", U+2027, U+2219, U+22C5, U+FF65->U+30FB
# after NFKC, ASCII ".") with any spaces around them -> one U+00B7.
_RE_NAME_SEP = re.compile(r"\s*[\u00b7\u2022\u30fb\u2027\u2219\u22c5.]\s*")
_NAME_SEPS = frozenset("\u00b7\u2022\u30fb\u2027\u2219\u22c5.")
_NAME_OK_EXTRA = frozenset("\u00b7\u3007")  # the separator and 〇 (a name character, category Nl)
_RE_DATE_SEP = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_RE_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?")
_RE_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_RE_INTEGRAL_TEXT = re.compile(r"(\d{1,18})(?:\.0+)?")  # longer: not a count (int() refuses 4,300+ digits)
_Q4 = Decimal("0.0001")
# 1900 date system: serial 61 = 1900-03-01; serial 60 is Excel's non-existent 1900-02-29.
_EXCEL_EPOCH = date(1899, 12, 30)
_MIN_YEAR = 1880


#: First characters a spreadsheet may read as a formula; exports prefix such text with ``'``.
FORMULA_FIRST: Final = frozenset("=+-@\t\r")


def clean_text(value: str) -> str:
    """NFKC (full-width -> ASCII) and trim :data:`TRIM_CHARS` at both ends."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip(TRIM_CHARS)


# Free text (户籍所在地, 备注) keeps Chinese punctuation: NFKC would turn "，（）：" into ASCII, and the
# samples store such text as read. Only full-width digits and Latin letters are folded to ASCII.
_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                               *range(0xFF41, 0xFF5B))}


def clean_free_text(value: str) -> str:
    """NFC, full-width digits/letters -> ASCII, trim :data:`TRIM_CHARS`; punctuation kept as written."""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value).translate(_FULLWIDTH_ALNUM)
    return value.strip(TRIM_CHARS)


def strip_text_marker(text: str) -> str:
    """Drop one leading ``'`` (the spreadsheet "store as text" marker, also added by formula-safe
    exports) from an identifier-like cell: 户编号, 证件号码, 联系电话, 村代码."""
    return text[1:].strip(TRIM_CHARS) if text.startswith("'") else text


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def parse_text(value: Any, *, free: bool = False) -> str | None:
    """Text cell: cleaned string (:func:`clean_text`, or :func:`clean_free_text` when ``free``), None when
    blank. Numbers keep their digits (1.0 -> "1"), dates -> ISO."""
    if value is None:
        return None
    if isinstance(value, str):
        text = clean_free_text(value) if free else clean_text(value)
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_FIRST:
            text = text[1:]  # undo the formula guard our exports add, so exports re-import unchanged
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return clean_text(str(value)) or None


def parse_name(value: Any) -> str | None | _Invalid:
    """A person's name: separators unified to U+00B7 without spaces; letters of any script (non-BMP
    characters such as 𡐤 or 𠮷 included) plus the separator. Digits, ``?``, other punctuation, inner
    spaces, numbers -> INVALID. Blank -> None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return INVALID
    text = clean_text(value)
    if not text:
        return None
    if not _NAME_SEPS.isdisjoint(text):
        text = _RE_NAME_SEP.sub("\u00b7", text)
        if text.startswith("·") or text.endswith("·") or "··" in text:
            return INVALID
    if text.isalpha():
        return text
    for ch in text:
        if not ch.isalpha() and ch not in _NAME_OK_EXTRA:
            return INVALID
    return text


def _ymd(y: int, m: int, d: int) -> date | _Invalid:
    if y < _MIN_YEAR:
        return INVALID
    try:
        return date(y, m, d)
    except ValueError:
        return INVALID


@_memoised
def parse_date(value: Any) -> date | None | _Invalid:
    """A date from a date cell (any display format, with or without a 00:00 time), an Excel serial
    number, or text ``1990-01-05``, ``1990.1.5``, ``1990年1月5日``, ``19900105``, ``1990/01/05``.
    Impossible dates (``2019.13.8``, ``2019年2月30日``) and anything else -> INVALID; blank -> None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        m = _RE_DATE_SEP.fullmatch(text) or _RE_DATE_COMPACT.fullmatch(text)
        if m is None:
            return INVALID
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return INVALID
    if not math.isfinite(value) or value < 1:  # NaN and ±inf come from damaged cells
        return INVALID
    whole = int(value)
    if 10_000_000 <= whole <= 99_991_231 and whole == value:  # 19900105 typed as a number
        return _ymd(whole // 10000, whole // 100 % 100, whole % 100)
    if whole >= 2_958_466:  # beyond 9999-12-31 as a serial
        return INVALID
    if whole == 60:
        return INVALID  # 1900-02-29 never existed
    serial = whole if whole > 60 else whole + 1
    result = _EXCEL_EPOCH + timedelta(days=serial)
    return result if result.year >= _MIN_YEAR else INVALID


@_memoised
def parse_digits_code(value: Any, width: int) -> str | None | _Invalid:
    """A code made of digits (户编号, 村代码, 组): numbers and full-width digits accepted, zero-padded to
    ``width`` (19 -> "0019"); longer codes kept as they are. Non-digits -> INVALID; blank -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = strip_text_marker(clean_text(value))
        if not text:
            return None
        m = _RE_INTEGRAL_TEXT.fullmatch(text) if text.isascii() else None
        if m is None:
            return INVALID
        digits = m[1]
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        return INVALID
    else:
        if not math.isfinite(value) or value < 0 or value >= 1e15 or value != int(value):
            return INVALID
        digits = str(int(value))
    return digits.zfill(width) if len(digits) < width else digits


def parse_household_no(value: Any) -> str | None | _Invalid:
    """户编号 as 4-digit text: 19 -> "0019", "００１８" -> "0018"; longer codes (an 18-digit CBFBM)
    are kept. Letters, negative or fractional numbers -> INVALID; blank -> None."""
    return parse_digits_code(value, 4)


def parse_group(value: Any) -> str | None:
    """组: a number or digit text -> 2-digit code ("1" / 1.0 -> "01", DOMAIN §3); other text (e.g.
    "东组") is kept cleaned. Blank -> None."""
    code = parse_digits_code(value, 2)
    if code is INVALID:
        return parse_text(value)
    if code is not None and len(code) > 2:
        code = code.lstrip("0").zfill(2)
    return code  # type: ignore[return-value]


_RE_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?%?")


def clean_number_text(value: str) -> str:
    """A number as typed on Chinese Windows -> ASCII text for ``Decimal``/``int``/``Fraction``.

    Full-width digits, point, percent and slash (``０．３５``, ``３０％``) are folded by NFKC, spaces (also the
    ideographic one) dropped, and thousands separators removed only where they group digits by three
    (``100,000.00`` -> ``100000.00``; ``1,00`` is left alone so it stays invalid). Never raises; what is not
    a number stays not a number for the caller to refuse.
    """
    text = unicodedata.normalize("NFKC", value).replace("\u3000", " ").replace(" ", "")
    text = text.replace("。", ".")
    if _RE_GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: Decimal("31.0000") -> "31", Decimal("21.50") -> "21.5"."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def parse_shares(value: Any) -> Decimal | None | _Invalid:
    """A non-negative share quantity as Decimal, rounded to 4 places (storage Numeric(12,4)).
    Negative numbers and text that is not a number -> INVALID; blank -> None."""
    if value is None:
        return None
    if type(value) is float and value.is_integer() and 0 <= value < 1e15:
        return Decimal(int(value))  # the common case: whole shares from a number cell
    if isinstance(value, str):
        text = clean_text(value)
        if not text:
            return None
        if not _RE_DECIMAL.fullmatch(text):
            return INVALID
        try:
            number = Decimal(text)
        except InvalidOperation:
            return INVALID
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        return INVALID
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        if value != value or value in (float("inf"), float("-inf")):
            return INVALID
        number = Decimal(repr(value))  # shortest repr: 21.5 stays 21.5, not 21.499999...
    if number < 0:
        return INVALID
    try:
        number = number.quantize(_Q4)
    except InvalidOperation:  # more digits than Decimal's context holds: not a share quantity
        return INVALID
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_int(value: Any) -> int | None:
    """A whole number (序号); anything else -> None (informational column, never an error)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if math.isfinite(value) and value == int(value) else None
    if isinstance(value, str):
        text = clean_text(value)
        m = _RE_INTEGRAL_TEXT.fullmatch(text) if text.isascii() else None
        return int(m[1]) if m else None
    return None
