"""The district and town dashboard (issue 12 items 1–2): figures by SQL ``GROUP BY`` and the drill-down
list behind each of them (:mod:`.core`), over the roster (:mod:`.roster`) and the rights registers
(:mod:`.rights`)."""
from __future__ import annotations

from registry.reports.dashboard import rights, roster
from registry.reports.dashboard.board import GRAIN, Board, build_board
from registry.reports.dashboard.core import (
    TOWN_WIDTH,
    VILLAGE_WIDTH,
    Cell,
    Ctx,
    DrillPage,
    Figure,
    aggregate,
    drill,
    exists_in_scope,
    unit_names,
)

#: Every figure of the dashboard, by the name used in drill-down URLs.
FIGURES: dict[str, Figure] = {f.name: f for f in (
    Figure("villages", roster.villages),
    Figure("pending", roster.pending_filings),
    Figure("members", roster.members),
    Figure("households", roster.households),
    Figure("hukou_out", roster.hukou_out),
    Figure("endings", roster.endings),
    Figure("parcels", rights.parcels, "sum"),
    Figure("circulations", rights.circulations, "sum"),
    Figure("homesteads", rights.homesteads),
    Figure("holdings", rights.holdings, "sum"),
    Figure("rounds", rights.latest_rounds, "sum"),
    Figure("transfers", rights.transfers, "sum"),
)}

__all__ = ["FIGURES", "GRAIN", "Board", "build_board",
           "TOWN_WIDTH", "VILLAGE_WIDTH", "Cell", "Ctx", "DrillPage", "Figure", "aggregate", "drill",
           "exists_in_scope", "unit_names", "rights", "roster"]
