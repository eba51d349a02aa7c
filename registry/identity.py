"""Resident ID number (公民身份号码, GB 11643-1999) normalisation and validation — rules I-01..I-05.

:func:`normalise_resident_id` is the single entry point used by forms, imports and services.
It never raises for bad input; it returns an :class:`IdResult` whose ``error`` is one of the
stable codes ``id.missing``, ``id.format``, ``id.checksum``, ``id.birthdate``, ``id.precision_lost``
and whose ``warning`` may be ``id.legacy15``.

The check character is computed with ``stdnum.cn.ric.calc_check_digit`` only. ``stdnum.cn.ric.validate``
is deliberately not used: it also checks the address code against a table and rejects 3703xx codes
for people born before 1983, which is wrong for these data (the address code says nothing about
validity or membership, I-06).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from stdnum.cn.ric import calc_check_digit

from registry.clock import local_today

__all__ = ["IdResult", "normalise_resident_id", "check_character", "ID_ERROR_CODES"]

ID_ERROR_CODES = frozenset({"id.missing", "id.format", "id.checksum", "id.birthdate", "id.precision_lost"})

# Leading/trailing junk clerks paste along with a number: spaces of every width, tabs, BOM, zero-width.
_TRIM = " \t\r\n\v\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"
_RE_18 = re.compile(r"\d{17}[\dX]")
_RE_15 = re.compile(r"\d{15}")
# Text that Excel produced from a number that was too long: 3.70305E+17, 3.70305e17, 370305...E+17.
_RE_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")


@dataclass(frozen=True, slots=True)
class IdResult:
    """Outcome of :func:`normalise_resident_id`.

    value:      the 18-character normalised ID (upper-case X; legacy 15-digit IDs upgraded, I-05),
                or None when ``error`` is set.
    original:   the cleaned input (trimmed, NFKC, upper-case) — for a legacy ID the 15-digit form to keep.
    birth_date: the date in positions 7-14 (I-03), None on error.
    sex:        GB/T 2261.1 code from the parity of digit 17: "1" male, "2" female (I-04), None on error.
    error:      an ``id.*`` error code, or None.
    warning:    "id.legacy15" when a 15-digit ID was upgraded, else None.
    """

    value: str | None
    original: str
    birth_date: date | None = None
    sex: str | None = None
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_character(first17: str) -> str:
    """GB 11643 check character (I-02) for the first 17 digits: weighted sum mod 11 -> "0".."9" or "X"."""
    # calc_check_digit() ignores the last character of its argument, so pad with a placeholder.
    return calc_check_digit(first17 + "0")


@lru_cache(maxsize=65_536)  # ~36k distinct birth dates in a century; a district file repeats them
def _birth_date(yyyymmdd: str, today: date) -> date | None:
    """I-03: a real calendar date, not after today."""
    try:
        born = date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
    return born if born <= today else None


def _fail(original: str, code: str) -> IdResult:
    return IdResult(None, original, error=code)


def normalise_resident_id(raw: Any, *, today: date | None = None) -> IdResult:
    """Normalise and validate a resident ID number typed or read from a cell.

    ``raw`` may be str, int, float or None (as a spreadsheet reader returns it).

    - a number (int/float cell) or scientific-notation text -> ``id.precision_lost``: Excel has
      already dropped digits, so no repair is attempted;
    - blank or whitespace only -> ``id.missing``;
    - NFKC (full-width digits/letters -> ASCII), trimmed, one leading ``'`` text marker dropped,
      lower-case x -> X (I-02);
    - 18 characters: 17 digits + digit/X (I-01), else ``id.format``; positions 7-14 a real date not
      after today (I-03), else ``id.birthdate``; check character per I-02, else ``id.checksum``;
    - 15 digits (legacy, I-05): date YYMMDD read as 19YY, upgraded by inserting "19" and appending the
      I-02 check character; warning ``id.legacy15``; ``original`` keeps the 15-digit form;
    - anything else -> ``id.format``.

    Sex comes from the parity of digit 17 (digit 15 of a legacy ID): odd "1", even "2" (I-04).
    """
    if raw is None:
        return _fail("", "id.missing")
    if isinstance(raw, bool):
        return _fail(str(raw), "id.format")
    if isinstance(raw, (int, float)):
        return _fail(repr(raw), "id.precision_lost")
    text = str(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip(_TRIM).upper()
    if text.startswith("'"):
        # A leading apostrophe is the spreadsheet "store as text" marker (and what formula-safe exports
        # prefix); it is never part of the number.
        text = text[1:].strip(_TRIM)
    if not text:
        return _fail("", "id.missing")
    if today is None:
        today = local_today()  # Beijing date (I-03 "not later than today")

    n = len(text)
    if n == 18 and _RE_18.fullmatch(text):
        body, legacy = text, None
    elif n == 15 and _RE_15.fullmatch(text):
        body, legacy = text[:6] + "19" + text[6:] + "0", text  # placeholder check char, replaced below
    elif _RE_SCIENTIFIC.fullmatch(text):
        return _fail(text, "id.precision_lost")
    else:
        return _fail(text, "id.format")

    born = _birth_date(body[6:14], today)
    if born is None:
        return _fail(text, "id.birthdate")
    check = check_character(body[:17])
    if legacy is not None:
        body = body[:17] + check
    elif body[17] != check:
        return _fail(text, "id.checksum")
    sex = "1" if int(body[16]) % 2 else "2"
    return IdResult(body, text, born, sex, None, "id.legacy15" if legacy else None)
