"""Statistical reports on screen and as .xlsx, and the records list behind each figure (issue 12 items
2–3). Town and district officers and the administrator read them for an area inside their scope (404
outside), as the summary and export pages (registry/views/exports.py); a village clerk gets 403."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination

from registry.clock import local_today
from registry.extensions import db
from registry.permissions import ADMIN, DISTRICT, TOWN, require_role
from registry.reports.statistics import REPORTS, Figure, Period
from registry.reports.statistics.base import units_of
from registry.services.errors import DomainError
from registry.services.homesteads.importer import area_cap
from registry.services.statistics import build_report, export_report, parse_period
from registry.views.downloads import xlsx_response
from registry.views.exports import load_area

bp = Blueprint("reports", __name__)

READERS = (TOWN, DISTRICT, ADMIN)
PER_PAGE = 50
SCREEN_ROWS = 500  # rows of a table shown on screen (a detail list over a district can be long)


class RowPagination(SelectPagination):
    """A page of a multi-column SELECT (rows, not the first column's objects)."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def _spec(name: str):
    spec = REPORTS.get(name)
    if spec is None:
        abort(404)
    return spec


def _period(spec) -> tuple[Period | None, str | None]:
    try:
        return parse_period(request.args.get("from"), request.args.get("to"), today=local_today(), spec=spec), None
    except DomainError as exc:
        return None, exc.message


def _period_args(period: Period | None) -> dict:
    if period is None:
        return {}
    return {"to": period.end.isoformat(), **({"from": period.start.isoformat()} if period.start else {})}


@bp.get("/statistics/<code>")
@require_role(*READERS)
def index(code: str):
    """The reports of an area (the user's own from the menu; a town or village inside it by code)."""
    area = load_area(code)
    parts = {} if area.level == "village" else units_of(db.session, area).names
    return render_template("reports/index.html", area=area, reports=REPORTS, parts=parts)


@bp.get("/statistics/<code>/<name>")
@require_role(*READERS)
def show(code: str, name: str):
    area, spec = load_area(code), _spec(name)
    period, error = _period(spec)
    report = None
    if period is not None:
        report = build_report(db.session, name, area, period, cap=area_cap(current_app.config))
    return render_template("reports/report.html", area=area, name=name, spec=spec, report=report, error=error,
                           period_args=_period_args(report.period if report else None),
                           is_figure=lambda c: isinstance(c, Figure), screen_rows=SCREEN_ROWS), (400 if error else 200)


@bp.get("/statistics/<code>/<name>.xlsx")
@require_role(*READERS)
def download(code: str, name: str):
    area = load_area(code)
    period, error = _period(_spec(name))
    if error:
        abort(400, error)
    result = export_report(db.session, name, area, period, actor=current_user, cap=area_cap(current_app.config))
    db.session.commit()
    return xlsx_response(result.data, result.filename)


@bp.get("/statistics/<code>/<name>/records")
@require_role(*READERS)
def records(code: str, name: str):
    """The records behind one figure (``?cell=UNIT:COLUMN``), 50 per page, ID numbers masked."""
    area, spec = load_area(code), _spec(name)
    period, error = _period(spec)
    if error:
        abort(400, error)
    cell = request.args.get("cell", "")
    drill = spec.drill(db.session, area, period, cell, cap=area_cap(current_app.config))
    if drill is None:
        abort(404)
    page = request.args.get("page", 1, type=int)
    pagination = RowPagination(select=drill.stmt, session=db.session, page=max(page, 1), per_page=PER_PAGE,
                               error_out=False)
    report_title = f"{area.name}（{area.code}）{spec.title}（{period.text()}）"
    return render_template("reports/records.html", area=area, name=name, spec=spec, drill=drill,
                           rows=[drill.row(r) for r in pagination.items], pagination=pagination,
                           report_title=report_title, period_args=_period_args(period),
                           page_args={"code": area.code, "name": name, "cell": cell, **_period_args(period)})
