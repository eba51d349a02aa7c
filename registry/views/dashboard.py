"""The dashboard of town and district officers (issue 12 items 1–2): ``/dashboard`` opens the officer's
own area; ``/areas/<code>/dashboard`` any area in scope (district → per town, town → per village);
``/areas/<code>/dashboard/<figure>?<dimension>=<value>…`` the drill-down list behind a number (scoped,
paginated, ID numbers masked). Figures: :mod:`registry.reports.dashboard`; charts: :mod:`.dashboard_charts`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_date, local_today
from registry.extensions import db
from registry.models import Area
from registry.permissions import ADMIN, DISTRICT, TOWN, require_role, scoped
from registry.reports.dashboard import (
    FIGURES,
    GRAIN,
    TOWN_WIDTH,
    VILLAGE_WIDTH,
    Board,
    Ctx,
    build_board,
    drill,
    roster as roster_figures,
    unit_names,
)
from registry.reports.roster.masking import birth_year, mask_id_number
from registry.views import dashboard_labels as labels
from registry.views.dashboard_charts import Bar, bar_chart, pyramid

bp = Blueprint("dashboard", __name__)

OFFICERS = (TOWN, DISTRICT, ADMIN)


def _area(code: str) -> Area:
    area = db.session.scalar(scoped(select(Area).where(Area.code == code), Area.code, current_user))
    if area is None:
        abort(404)
    return area


def _ctx(area: Area) -> Ctx:
    width = TOWN_WIDTH if area.level == "district" else VILLAGE_WIDTH
    return Ctx(area.scope_prefix, width, local_today())


@dataclass
class Fig:
    """One number on the page: printed text, exact value, kind (count / sum / age) and drill-down link."""

    text: str
    value: int | Decimal
    href: str
    kind: str = "count"


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[tuple[str, list[Fig | None], str | None]] = field(default_factory=list)  # label, figures, link


class Page:
    """Turns the board's cells into linked figures, tables and charts for one area."""

    def __init__(self, area: Area, board: Board):
        self.area, self.board = area, board
        keys = {c.dims["unit"] for cells in board.fine.values() for c in cells}
        self.units = unit_names(db.session, keys)

    def fig(self, figure: str, dims: dict[str, str], kind: str | None = None) -> Fig | None:
        cell = self.board.cells(figure, tuple(dims)).get(tuple(dims.values()))
        href = url_for("dashboard.drill", code=self.area.code, figure=figure, **dims)
        measure = FIGURES[figure].measure
        if kind == "age":
            if cell is None or cell.oldest is None:
                return None
            days = (self.board.ctx.today - local_date(cell.oldest)).days
            return Fig(_("%(n)s days", n=days), days, href, "age")
        if measure == "sum" and kind != "count":
            total = cell.total if cell else Decimal(0)
            return Fig(f"{total:,}", total, href, "sum")
        count = cell.count if cell else 0
        return Fig(f"{count:,}", count, href, "count")

    def label(self, dim: str, value: str) -> str:
        return labels.dim_label(dim, value, self.units)

    def values(self, figure: str, dim: str, order=()) -> list[str]:
        """The values of ``dim`` present in the figure, in ``order`` first, then sorted."""
        seen = {k[0] for k in self.board.cells(figure, (dim,))}
        return [v for v in order if v in seen] + sorted(seen - set(order))

    def bars(self, figure: str, dim: str, order=(), series: int = 0, all_of=()) -> list[Bar]:
        out = []
        for value in list(all_of) or self.values(figure, dim, order):
            f = self.fig(figure, {dim: value})
            out.append(Bar(self.label(dim, value), f.value, f.text, f.href, f.kind, series))
        return out

    def grid(self, title: str, figure: str, row_dim: str, col_dim: str, row_order=(), col_order=()) -> Table:
        """Rows × columns of one figure, with row and column totals, every cell a link."""
        cols = self.values(figure, col_dim, col_order)
        table = Table(title, [self.label(col_dim, c) for c in cols] + [_("Total")])
        for r in self.values(figure, row_dim, row_order):
            table.rows.append((self.label(row_dim, r), [self.fig(figure, {row_dim: r, col_dim: c}) for c in cols]
                               + [self.fig(figure, {row_dim: r})], None))
        table.rows.append((_("Total"), [self.fig(figure, {col_dim: c}) for c in cols] + [self.fig(figure, {})], None))
        return table


def _units_table(page: Page, title: str, columns: list[tuple[str, str, dict, str | None]]) -> Table:
    """One row per grouping unit (and the total): each column is (heading, figure, fixed dims, kind)."""
    units = sorted(page.units)
    table = Table(title, [heading for heading, *_rest in columns])
    for unit in [*units, None]:
        figs = []
        for _heading, figure, dims, kind in columns:
            if not page.board.present.get(figure):
                figs.append(None)
                continue
            figs.append(page.fig(figure, {**({"unit": unit} if unit else {}), **dims}, kind))
        link = url_for("dashboard.show", code=unit.ljust(12, "0")) if unit and unit != page.area.code else None
        table.rows.append((page.label("unit", unit) if unit else _("Total"), figs, link))
    return table


def _sections(page: Page) -> dict:
    board, present = page.board, page.board.present
    out: dict = {"present": present}
    progress = roster_figures.PROGRESS
    out["filing_table"] = _units_table(page, _("Filing progress"), [
        *[(labels.PROGRESS[p], "villages", {"progress": p}, None) for p in progress],
        (_("Villages"), "villages", {}, None), (_("Awaiting an officer"), "pending", {}, None),
        (_("Oldest waiting"), "pending", {}, "age")])
    out["filing_chart"] = bar_chart(page.bars("villages", "progress", all_of=progress),
                                    _("Villages by filing progress"))
    if present["members"]:
        out["members_table"] = _units_table(page, _("Members and households"), [
            (_("Members"), "members", {}, None), (_("Households with members"), "households", {}, None)])
        out["members_chart"] = bar_chart(page.bars("members", "unit"), _("Members by area"))
        bands = list(roster_figures.AGE_BANDS)
        if not board.cells("members", ("band",)).get(("unknown",)):
            bands.remove("unknown")
        men = [page.fig("members", {"sex": "1", "band": b}) for b in bands]
        women = [page.fig("members", {"sex": "2", "band": b}) for b in bands]
        out["pyramid"] = pyramid(
            [page.label("band", b) for b in bands],
            [Bar(b, f.value, f.text, f.href, f.kind, 0) for b, f in zip(bands, men, strict=True)],
            [Bar(b, f.value, f.text, f.href, f.kind, 1) for b, f in zip(bands, women, strict=True)],
            _("Members by sex and age"), _("Men"), _("Women"))
        out["pyramid_table"] = page.grid(_("Members by sex and age"), "members", "band", "sex",
                                         row_order=roster_figures.AGE_BANDS, col_order=("1", "2"))
        out["grounds_chart"] = bar_chart(page.bars("members", "ground", order=tuple(labels.DIMENSIONS["ground"])),
                                         _("Members by acquisition ground"))
        out["hukou_chart"] = bar_chart(
            page.bars("hukou_out", "dest", all_of=roster_figures.HUKOU_DESTINATIONS, series=1),
            _("Members with hukou outside the village, by where it went"))
        out["hukou_total"] = page.fig("hukou_out", {})
        out["endings_table"] = page.grid(_("Memberships ended, by ground and year"), "endings", "loss", "year",
                                         row_order=tuple(labels.DIMENSIONS["loss"]))
        out["endings_chart"] = bar_chart(page.bars("endings", "year", series=2), _("Memberships ended by year"))
    if present["parcels"]:
        out["land_chart"] = bar_chart(page.bars("parcels", "cmethod"), _("Contracted land by contract method (mu)"))
        out["land_total"] = page.fig("parcels", {})
        out["circulation_table"] = page.grid(_("Circulated land by method and receiver (mu)"), "circulations",
                                             "method", "receiver", row_order=tuple(labels.DIMENSIONS["method"]),
                                             col_order=tuple(labels.RECEIVER))
        out["circulation_chart"] = bar_chart(page.bars("circulations", "receiver", order=tuple(labels.RECEIVER),
                                                       series=1), _("Circulated land by receiver type (mu)"))
    if present["homesteads"]:
        out["homestead_chart"] = bar_chart(page.bars("homesteads", "status", all_of=tuple(labels.DIMENSIONS["status"]),
                                                     series=3), _("Homesteads by status"))
        out["homestead_total"] = page.fig("homesteads", {})
    if present["holdings"] or present["rounds"]:
        out["shares_table"] = _units_table(page, _("Share units and the latest dividend round"), [
            *[(labels.DIMENSIONS["stype"][t], "holdings", {"stype": t}, None)
              for t in page.values("holdings", "stype", tuple(labels.DIMENSIONS["stype"]))],
            (_("Share units"), "holdings", {}, None), (_("Villages with a dividend round"), "rounds", {}, "count"),
            (_("Latest rounds' distributable (yuan)"), "rounds", {}, None)])
    if present["transfers"]:
        table = Table(_("Recorded transactions by type"), [_("Transactions"), _("Amount (yuan)")])
        for t in page.values("transfers", "ttype", tuple(labels.TRANSFER_TYPE)):
            table.rows.append((page.label("ttype", t), [page.fig("transfers", {"ttype": t}, "count"),
                                                         page.fig("transfers", {"ttype": t})], None))
        table.rows.append((_("Total"), [page.fig("transfers", {}, "count"), page.fig("transfers", {})], None))
        out["transfer_table"] = table
        out["transfer_chart"] = bar_chart(page.bars("transfers", "ttype", order=tuple(labels.TRANSFER_TYPE),
                                                    series=4), _("Recorded transactions by type (yuan)"))
    return out


@bp.get("/dashboard")
@require_role(*OFFICERS)
def home():
    return redirect(url_for("dashboard.show", code=current_user.area.code))


@bp.get("/areas/<code>/dashboard")
@require_role(*OFFICERS)
def show(code: str):
    area = _area(code)
    board = build_board(db.session, _ctx(area), FIGURES)
    page = Page(area, board)
    return render_template("dashboard/index.html", area=area, today=board.ctx.today, **_sections(page))


def _cell(column, value):
    kind = column.kind
    if value is None:
        return ""
    if kind == "masked_id":
        return mask_id_number(value)
    if kind == "birth_year":
        return birth_year(value)
    if kind == "submitted" and isinstance(value, dt.datetime):
        return local_date(value).isoformat()
    if kind.startswith("dim:"):
        return labels.dim_label(kind[4:], str(value))
    return value


@bp.get("/areas/<code>/dashboard/<figure>", endpoint="drill")
@require_role(*OFFICERS)
def drill_list(code: str, figure: str):
    """The records behind one figure: the dimension values come as query arguments (unknown ones are
    ignored), 50 rows a page."""
    area = _area(code)
    if figure not in FIGURES:
        abort(404)
    ctx = _ctx(area)
    spec = FIGURES[figure].build(ctx)
    filters = {d: request.args[d] for d in GRAIN[figure] if request.args.get(d)}
    result = drill(db.session, spec, filters, page=request.args.get("page", 1, type=int))
    village_names = unit_names(db.session, {r[0] for r in result.rows})
    kinds = [c.kind for c in spec.columns]
    rows = [[village_names.get(v, v) if k == "village" else _cell(c, v) for k, c, v in zip(kinds, spec.columns, r,
                                                                                         strict=True)]
            for r in result.rows]
    values = [r[-1] for r in result.rows] if FIGURES[figure].measure == "sum" else None
    units = unit_names(db.session, [filters["unit"]]) if "unit" in filters else {}
    described = [(labels.DIMENSION_NAMES.get(d, d), labels.dim_label(d, v, units)) for d, v in filters.items()]
    oldest = None
    if figure == "pending" and result.rows:
        first = min(r[-1] for r in result.rows if r[-1] is not None)
        oldest = (ctx.today - local_date(first)).days
    args = {**filters, "code": area.code, "figure": figure}
    return render_template("dashboard/drill.html", area=area, figure=figure, title=labels.FIGURE_NAMES[figure],
                           described=described, result=result, rows=rows, values=values, args=args,
                           headings=[labels.HEADINGS.get(c.heading, c.heading) for c in spec.columns],
                           sum_figure=FIGURES[figure].measure == "sum", oldest=oldest, today=ctx.today)
