"""Normalised roster values back to the Chinese cell texts of the roster workbook (exports, filing
snapshots, the preview): the inverse of the row checks in ``roster.py``."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from registry.codes import (
    ACQUISITION_GROUND,
    ID_TYPE,
    MEMBER_REMARK,
    MEMBER_STATUS,
    RELATION,
    SEX,
    CodeTable,
)
from registry.excel.columns import BY_KEY, STANDARD_COLUMNS
from registry.excel.normalise import format_decimal


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _label(table: CodeTable):
    return lambda code: "" if code is None else (table.label(code) or str(code))


def _iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _shares(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


_DISPLAY = {
    "sex": _label(SEX), "id_type": _label(ID_TYPE), "relation": _label(RELATION),
    "status": _label(MEMBER_STATUS), "acquisition_ground": _label(ACQUISITION_GROUND),
    "remark": _label(MEMBER_REMARK), "birth_date": _iso, "acquired_at": _iso,
    "hukou_in_village": lambda b: "" if b is None else ("是" if b else "否"),
    "population_shares": _shares, "farm_age_shares": _shares, "total_shares": _shares,
}


def display_values(values: Mapping[str, Any], *, village_code: bool | None = None) -> dict[str, str]:
    """Chinese cell texts for normalised ``values``: ``{heading: text}`` for the 21 standard columns
    (codes -> labels, dates -> ISO ``YYYY-MM-DD``, bool -> 是/否, shares without trailing zeros,
    blanks -> ""), plus 村代码 when ``village_code`` is True, or when None and the value is set."""
    out = {c.heading: _DISPLAY.get(c.key, _plain)(values.get(c.key)) for c in STANDARD_COLUMNS}
    if village_code or (village_code is None and values.get("village_code")):
        out[BY_KEY["village_code"].heading] = _plain(values.get("village_code"))
    return out
