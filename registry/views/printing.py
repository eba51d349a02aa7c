"""A4 print views of a roster version and the PDF downloads of every print view (issue 12 item 4).

The 公示表 (public-notice table) and the 成员名册备案表 (filing record form) of a filing, for every role in
scope (another area: 404). Each print view — these two, the rights statement, the 股权证 and the payment
sheet — has a ``.pdf`` twin rendered by WeasyPrint from the very HTML of the print view (the view
function's own response), so the PDF can never say something the page does not."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import format_date

from registry.extensions import db
from registry.models import Filing
from registry.permissions import CLERK, DISTRICT, TOWN, require_role
from registry.reports.printing.filing_sheets import NOTICE_HEADINGS, notice_rows, record_figures
from registry.views import dividends, shares, statements
from registry.views.filings import READERS, load_filing
from registry.views.pdf import pdf_response

bp = Blueprint("printing", __name__)


def _local_date(value) -> str | None:
    """A stored (UTC) time as its Beijing date, as the filing pages show it."""
    return None if value is None else format_date(value, "yyyy-MM-dd")


def _notice_sheet_html(filing: Filing) -> str:
    org = filing.organization
    rows = notice_rows(db.session, filing)
    figures = record_figures(db.session, filing)
    return render_template("print/notice_sheet.html", filing=filing, org=org, village=org.area,
                           notice=filing.notice, headings=NOTICE_HEADINGS, rows=rows,
                           on_roster=figures.on_roster, counts=figures.counts)


def _record_form_html(filing: Filing) -> str:
    org = filing.organization
    return render_template("print/record_form.html", filing=filing, org=org, village=org.area,
                           figures=record_figures(db.session, filing),
                           submitted_on=_local_date(filing.submitted_at),
                           town_on=_local_date(filing.town_recorded_at),
                           district_on=_local_date(filing.district_recorded_at))


def _name(filing: Filing, what: str) -> str:
    return f"{filing.organization.area.name}_{what}_第{filing.version_no}版.pdf"


@bp.get("/filings/<int:filing_id>/notice-sheet")
@require_role(*READERS)
def notice_sheet(filing_id: int):
    return _notice_sheet_html(load_filing(filing_id))


@bp.get("/filings/<int:filing_id>/notice-sheet.pdf")
@require_role(*READERS)
def notice_sheet_pdf(filing_id: int):
    filing = load_filing(filing_id)
    return pdf_response(_notice_sheet_html(filing), _name(filing, "成员名册公示表"))


@bp.get("/filings/<int:filing_id>/record-form")
@require_role(*READERS)
def record_form(filing_id: int):
    return _record_form_html(load_filing(filing_id))


@bp.get("/filings/<int:filing_id>/record-form.pdf")
@require_role(*READERS)
def record_form_pdf(filing_id: int):
    filing = load_filing(filing_id)
    return pdf_response(_record_form_html(filing), _name(filing, "成员名册备案表"))


# --- the PDF of the other print views: their own view renders the HTML (scope and role checked there) ----

@bp.get("/villages/<code>/statements/<int:statement_id>.pdf")
@require_role(CLERK, TOWN, DISTRICT)
def statement_pdf(code: str, statement_id: int):
    return pdf_response(statements.show(code, statement_id), f"成员身份及权益证明_{statement_id}.pdf")


@bp.get("/villages/<code>/shares/certificates/<int:certificate_id>.pdf")
@require_role(*shares.READERS)
def certificate_pdf(code: str, certificate_id: int):
    return pdf_response(shares.certificate(code, certificate_id), f"股权证_{code}_{certificate_id}.pdf")


@bp.get("/villages/<code>/dividends/<int:round_id>/payments.pdf")
@require_role(*dividends.READERS)
def payment_sheet_pdf(code: str, round_id: int):
    return pdf_response(dividends.print_sheet(code, round_id), f"收益分配发放表_{code}_{round_id}.pdf")
