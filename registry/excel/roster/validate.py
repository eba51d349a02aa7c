"""Normalise and validate member roster rows (DESIGN §4 steps 3-4; shared/samples/README.md rules).

:func:`validate_roster` checks EVERY row and collects every issue (never stops at the first): the
rules of each row (:func:`check_row`; ``roster_rows`` and its cell rules in ``roster_cells``), then the
file rules (household head M-25, duplicate IDs I-08). :func:`display_values` turns normalised values
back into the Chinese cell texts used by exports. The result types and messages live in
``roster_types`` and are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from registry.clock import local_today
from registry.codes import HEAD_RELATIONS, RESIDENT_NUMBER_ID_TYPES
from registry.excel.display import display_values  # re-exported: roster rows ↔ cells
from registry.excel.gc_pause import paused_gc
from registry.excel.roster.cells import MAX_SHARES  # noqa: F401  (re-exported)
from registry.excel.roster.rows import check_cells, row_check
from registry.excel.roster.types import (  # noqa: F401
    ERROR_CODES,
    HEADINGS_BY_KEY,
    IMPORT_LOSS_GROUNDS,
    MESSAGES,
    ROSTER_ID_TYPES,
    ROSTER_STATUSES,
    WARNING_CODES,
    Issue,
    RosterCheck,
    RowResult,
)

__all__ = ["Issue", "RowResult", "RosterCheck", "validate_roster", "check_row", "display_values",
           "MESSAGES", "ROSTER_STATUSES", "ROSTER_ID_TYPES", "ERROR_CODES", "WARNING_CODES"]


def check_row(number: int, raw: Mapping[str, Any], *, today: date | None = None) -> RowResult:
    """Normalise and check one row on its own (no household or duplicate checks).

    ``raw`` maps column keys to cell values as the reader gives them; absent keys count as blank.
    """
    return check_cells(number, raw, today or local_today())  # the Beijing date (registry.clock)


def validate_roster(rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                    today: date | None = None) -> RosterCheck:
    """Check every row of a roster and return all results.

    ``rows`` yields ``(excel_row_number, {key: raw cell value})`` (e.g. ``RosterSheet.rows()``).
    Per-row rules: see :func:`check_row`. File rules, applied to every row concerned:
    ``household.no_head`` / ``household.multiple_heads`` (exactly one head, relation 01 or 02, per
    household = village code + normalised 户编号; M-25) and ``duplicate.in_file`` (same normalised ID).
    """
    today = today or local_today()  # the Beijing date (registry.clock)
    with paused_gc():
        check = row_check()  # remembers the outcome of each distinct cell of this file, per column
        results = [check(number, raw, today) for number, raw in rows]
        _file_rules(results)
    return RosterCheck(results)


def _file_rules(results: list[RowResult]) -> None:
    """Append the household-head and duplicate-ID issues to every row concerned (see validate_roster)."""
    # (village code, 户编号) -> [number of heads, member, member…]; ID -> first row, or [rows] once repeated.
    # Resident IDs are keyed by the number (types 1 and 4 share one number space), others by (type, number).
    households: dict[tuple[str, str], list] = {}
    by_id: dict[str | tuple[str, str], Any] = {}
    resident, heads_of = RESIDENT_NUMBER_ID_TYPES, HEAD_RELATIONS
    for r in results:
        values = r.values
        number = values["household_no"]
        if number is not None:
            key = (values["village_code"] or "", number)
            entry = households.get(key)
            if entry is None:
                households[key] = [values["relation"] in heads_of, r]
            else:
                entry[0] += values["relation"] in heads_of
                entry.append(r)
        number = values["id_number"]
        if number is not None:
            kind = values["id_type"] or "1"
            key = number if kind in resident else (kind, number)
            seen = by_id.get(key)
            if seen is None:
                by_id[key] = r
            elif seen.__class__ is list:
                seen.append(r)
            else:
                by_id[key] = [seen, r]

    relation_heading = HEADINGS_BY_KEY["relation"]
    for (_village, number), entry in households.items():
        heads = entry[0]
        if heads == 1:
            continue
        code = "household.no_head" if heads == 0 else "household.multiple_heads"
        msg = MESSAGES[code].format(value=number, expected=int(heads))
        for m in entry[1:]:
            m.errors.append(Issue(m.row, relation_heading, code, msg))

    id_heading = HEADINGS_BY_KEY["id_number"]
    for key, same in by_id.items():
        if same.__class__ is not list:
            continue
        number = key if key.__class__ is str else key[1]
        # Name a few rows only: a filled-down ID column repeats one number thousands of times.
        shown = "、".join(str(s.row) for s in same[:5])
        where = f"第 {shown} 行" + (f" 等共 {len(same)} 行" if len(same) > 5 else "")
        msg = MESSAGES["duplicate.in_file"].format(value=number, expected=where)
        for s in same:
            s.errors.append(Issue(s.row, id_heading, "duplicate.in_file", msg))
