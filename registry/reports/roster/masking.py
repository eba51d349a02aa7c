"""Masked personal data (PIPL Art. 28; issue 10 items 2 and 4): what a role that does not need the full
resident ID number sees, on every screen and in every export.

The masked number keeps the first 6 and the last 4 characters (region code; sequence number and check
character). The hidden 8 digits are the birth date, so wherever the number is masked the full birth date
is never shown beside it: the year of birth is (出生年份), and a date equal to the birth date (an
acquisition by birth: 取得日期) is shown as its year too. What remains hidden — month and day, some 365
possibilities, of which the check character leaves ~33 — does not rebuild the number
(``tests/views/test_masking.py`` tries on every masked page and export of the sample villages)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping

from registry.excel.columns import Column

ID_HEADING = "证件号码"
BIRTH_HEADING = "出生日期"
BIRTH_YEAR_HEADING = "出生年份"
ACQUIRED_HEADING = "取得日期"

#: The roster workbook's 出生日期 column as written in a masked export (replaces ``birth_date``).
BIRTH_YEAR_COLUMN = Column("birth_date", BIRTH_YEAR_HEADING, cell="text")


def mask_id_number(number: str | None) -> str:
    """First 6 + ``********`` + last 4 (an 18-character ID keeps its length). Shorter numbers of
    other document types show only their last 4 characters."""
    if not number:
        return ""
    if len(number) > 10:
        return number[:6] + "********" + number[-4:]
    return "*" * max(len(number) - 4, 4) + number[-4:]


def hidden_birth_date(number: str | None) -> dt.date | None:
    """The date in the 8 digits :func:`mask_id_number` hides (positions 7–14 of an 18-character number);
    None when the number has no such date."""
    if not number or len(number) != 18 or not number[6:14].isdigit():
        return None
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def birth_year(value: dt.date | str | None) -> str:
    """``"1975"`` for the date 1975-04-13 or the text "1975-04-13"; "" for a blank; any other text as
    its first 4 characters when they are digits, else "" (never the full date)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{value.year:04d}"
    text = str(value).strip()
    return text[:4] if text[:4].isdigit() else ""


def masked_value(heading: str, value, birth) -> str:
    """One cell of a masked view: the ID masked, the birth date (or a date equal to it) as its year."""
    if heading == ID_HEADING:
        return mask_id_number(str(value)) if value else value
    if heading == BIRTH_HEADING:
        return birth_year(value)
    if heading == ACQUIRED_HEADING and value and birth and str(value)[:10] == str(birth)[:10]:
        return birth_year(value)
    return value


def masked_row(row: Mapping[str, object]) -> dict:
    """A roster display row ``{heading: value}`` as a role without full ID numbers sees it: 证件号码
    masked, 出生日期 replaced by 出生年份 (same position), 取得日期 reduced to the year when it is the
    birth date."""
    birth = row.get(BIRTH_HEADING)
    return {(BIRTH_YEAR_HEADING if heading == BIRTH_HEADING else heading): masked_value(heading, value, birth)
            for heading, value in row.items()}


def masked_rows(rows: Iterable[Mapping[str, object]]) -> Iterator[dict]:
    """:func:`masked_row` over a stream of rows (exports stream theirs)."""
    for row in rows:
        yield masked_row(row)
