"""W-07 report screen and workbook: confirmations, rejections and losses by sex and reason per
organisation, town and district. Every role reads it for an area inside its scope (404 outside)."""
from __future__ import annotations

from flask import Blueprint, render_template

from registry.excel.writer import write_table_xlsx
from registry.extensions import db
from registry.forms.dates import date_arg
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.equality import HEADINGS, w07_report, w07_sheets
from registry.views.downloads import xlsx_response
from registry.views.exports import load_area

bp = Blueprint("equality", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _load(code: str):
    area = load_area(code)
    start, end = date_arg("start"), date_arg("end")  # a bad date is a 400, not the whole period
    return area, start, end, w07_report(db.session, area, start=start, end=end)


@bp.get("/reports/<code>/w07")
@require_role(*READERS)
def w07(code: str):
    area, start, end, report = _load(code)
    return render_template("equality/w07.html", area=area, start=start, end=end, report=report, headings=HEADINGS)


@bp.get("/reports/<code>/w07.xlsx")
@require_role(*READERS)
def w07_xlsx(code: str):
    area, _start, _end, report = _load(code)
    return xlsx_response(write_table_xlsx(w07_sheets(report)), f"W-07成员确认与丧失分性别统计_{area.name}.xlsx")
