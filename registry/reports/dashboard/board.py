"""The whole dashboard of an area: one ``GROUP BY`` query per figure at its finest grain (a 300k-member
district is scanned once per figure, not once per chart), rolled up to the groups each chart and table
shows (:meth:`Board.cells`). A register without any record in the area is marked absent: its section
says "not recorded yet" instead of showing zeros."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from registry.models import DividendRound, Homestead, LandContract, Membership, ShareHolding, Transfer
from registry.reports.dashboard.core import Cell, Ctx, Figure, aggregate, exists_in_scope

#: The finest grouping of each figure (every dimension a chart or table of the dashboard splits by).
GRAIN: dict[str, tuple[str, ...]] = {
    "villages": ("unit", "progress"), "pending": ("unit", "stage"),
    "members": ("unit", "sex", "band", "ground"), "households": ("unit",), "hukou_out": ("unit", "dest"),
    "endings": ("unit", "loss", "year"), "parcels": ("unit", "cmethod"),
    "circulations": ("unit", "method", "receiver"), "homesteads": ("unit", "status"),
    "holdings": ("unit", "stype"), "rounds": ("unit",), "transfers": ("unit", "ttype"),
}
#: The register each figure reads (None: always shown — the areas and their filings).
REGISTER = {"villages": None, "pending": None, "members": Membership, "households": Membership,
            "hukou_out": Membership, "endings": Membership, "parcels": LandContract,
            "circulations": LandContract, "homesteads": Homestead, "holdings": ShareHolding,
            "rounds": DividendRound, "transfers": Transfer}


@dataclass
class Board:
    ctx: Ctx
    present: dict[str, bool]
    fine: dict[str, list[Cell]]
    _rolled: dict = field(default_factory=dict, repr=False)

    def cells(self, figure: str, by: tuple[str, ...] = ()) -> dict[tuple[str, ...], Cell]:
        """The figure's groups by the dimensions ``by`` (a subset of its grain), summed from the fine
        groups: counts and sums add up, the earliest timestamp is the minimum. Computed once per ``by``."""
        key = (figure, by)
        if key not in self._rolled:
            self._rolled[key] = self._roll_up(figure, by)
        return self._rolled[key]

    def _roll_up(self, figure: str, by: tuple[str, ...]) -> dict[tuple[str, ...], Cell]:
        out: dict[tuple[str, ...], Cell] = {}
        for cell in self.fine.get(figure, []):
            key = tuple(cell.dims[d] for d in by)
            into = out.get(key)
            if into is None:
                out[key] = Cell({d: cell.dims[d] for d in by}, cell.count, cell.total, cell.oldest)
                continue
            into.count += cell.count
            if cell.total is not None:
                into.total += cell.total
            if cell.oldest is not None and (into.oldest is None or cell.oldest < into.oldest):
                into.oldest = cell.oldest
        return out

    def total(self, figure: str) -> Cell | None:
        return self.cells(figure).get(())


def build_board(session: Session, ctx: Ctx, figures: dict[str, Figure]) -> Board:
    present: dict[str, bool] = {}
    known: dict[type, bool] = {}
    fine: dict[str, list[Cell]] = {}
    for name, figure in figures.items():
        model = REGISTER[name]
        if model is not None and model not in known:
            known[model] = exists_in_scope(session, model, ctx)
        present[name] = True if model is None else known[model]
        if present[name]:
            fine[name] = aggregate(session, figure.build(ctx), GRAIN[name])
    return Board(ctx, present, fine)
