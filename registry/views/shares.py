"""Share register screens: the village register, the 股权台账 import (upload → preview → apply, the roster
import's pipeline and templates), export, a holder's history, certificates (A4 print view, life cycle)
and the units report per village / town / district."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.excel.normalise import format_decimal
from registry.excel.reader import FileError, read_table
from registry.excel.roster.types import Issue
from registry.excel.shares.columns import SHARES, SHEET_NAMES
from registry.excel.writer import write_error_workbook
from registry.extensions import db
from registry.forms.shares import CertificateForm, ShareUploadForm
from registry.models import Area, Household
from registry.models.shares import ShareCertificate
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, ensure_in_scope, require_role
from registry.reports.roster.listing import find_area
from registry.reports.shares.units import holder_history, units_by_village
from registry.services.errors import DomainError
from registry.services.people import current_links
from registry.services.shares.certificates import STATUS_LABELS, change_certificate
from registry.services.shares.export import export_shares, register_rows
from registry.services.shares.importer import import_shares
from registry.services.shares.settings import SHARE_TYPE_LABELS, share_settings
from registry.services.uploads import load_upload, upload_folder
from registry.views.downloads import xlsx_response
from registry.views.imports import apply_stored, finish_apply, preview_upload
from registry.views.member_page import commit, load_village, refused, shows_full_id

bp = Blueprint("shares", __name__)


@bp.app_template_filter("shares")
def shares_filter(value) -> str:
    """Share units without trailing zeros (``Decimal("31.5000")`` → ``31.5``); None → ""."""
    return "" if value is None or value == "" else format_decimal(Decimal(value))

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _folder() -> Path:
    return upload_folder(current_app)


@bp.route("/villages/<code>/shares")
@require_role(*READERS)
def index(code: str):
    """The register as it stands today: per household 人口股 / 农龄股 / total and the certificate."""
    village, org = load_village(code)
    today = local_today()
    rows = register_rows(db.session, org, today)
    certificates = {c.number: c for c in db.session.scalars(select(ShareCertificate).where(
        ShareCertificate.organization_id == org.id))}
    return render_template("shares/index.html", village=village, org=org, rows=rows,
                           certificates=certificates, settings=share_settings(db.session, org.id, today),
                           type_labels=SHARE_TYPE_LABELS, can_edit=_is_clerk_of(village), today=today)


def _is_clerk_of(village: Area) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


@bp.route("/villages/<code>/shares/import", methods=["GET", "POST"])
@require_role(CLERK)
def upload(code: str):
    village, org = load_village(code)
    form = ShareUploadForm()
    if form.validate_on_submit():
        return preview_upload(code, form, lambda data, **kw: import_shares(db.session, data, org,
                                                                           actor=current_user, **kw), org=org)
    status = 400 if form.errors else 200
    return render_template("shares/upload.html", org=org, village=village, form=form), status


@bp.route("/villages/<code>/shares/import/<token>/apply", methods=["POST"])
@require_role(CLERK)
def apply(code: str, token: str):
    village, org = load_village(code)
    done = apply_stored(code, token, "shares.upload",
                        lambda data, **kw: import_shares(db.session, data, org, actor=current_user, **kw))
    return finish_apply(org, token, done) or redirect(url_for("shares.index", code=code))


@bp.route("/villages/<code>/shares/import/<token>/errors.xlsx")
@require_role(CLERK)
def error_workbook(code: str, token: str):
    """The user's rows plus an 错误说明 column (the import's own dry run)."""
    village, org = load_village(code)
    stored = load_upload(_folder(), token, user_id=current_user.id, area_code=code)
    if stored is None:
        abort(404)
    data, filename = stored
    report = import_shares(db.session, data, org, actor=current_user, filename=filename, dry_run=True)
    db.session.rollback()
    try:
        sheet = read_table(data, SHARES, filename, names=SHEET_NAMES)
    except FileError:
        abort(404)
    issues = [Issue(i["row"], i["column"], i["code"], i["message"], level)
              for level, items in (("error", report.errors), ("warning", report.warnings))
              for i in items if i["row"] is not None]
    content = write_error_workbook(sheet.raw_rows(), issues, headings=sheet.headings)
    return xlsx_response(content, f"{Path(filename).stem}_错误说明.xlsx")


@bp.route("/villages/<code>/shares/export.xlsx")
@require_role(CLERK, DISTRICT)
def export(code: str):
    """The register as a 股权台账 workbook (full ID numbers: the village's clerk and the district)."""
    village, org = load_village(code)
    result = export_shares(db.session, org, actor=current_user, day=local_today())
    db.session.commit()
    return xlsx_response(result.data, f"{village.name}_股权台账.xlsx")


@bp.route("/villages/<code>/shares/households/<number>")
@require_role(*READERS)
def household(code: str, number: str):
    """A holder household's history of holdings, certificates and payments."""
    village, org = load_village(code)
    hh = db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                   Household.number == number))
    if hh is None:
        abort(404)
    holdings, payments = holder_history(db.session, org.id, household_id=hh.id)
    certificates = list(db.session.scalars(select(ShareCertificate).where(
        ShareCertificate.household_id == hh.id).order_by(ShareCertificate.id)))
    return render_template("shares/household.html", village=village, org=org, household=hh,
                           holdings=holdings, payments=payments, certificates=certificates,
                           type_labels=SHARE_TYPE_LABELS, status_labels=STATUS_LABELS, form=CertificateForm(),
                           can_edit=_is_clerk_of(village))


def _certificate(org, certificate_id: int) -> ShareCertificate:
    cert = db.session.get(ShareCertificate, certificate_id)
    if cert is None or cert.organization_id != org.id:
        abort(404)
    return cert


@bp.route("/villages/<code>/shares/certificates/<int:certificate_id>")
@require_role(*READERS)
def certificate(code: str, certificate_id: int):
    """The certificate as an A4 print view: organisation, holder, the household's members with their
    units, total, seal and signature blocks."""
    village, org = load_village(code)
    cert = _certificate(org, certificate_id)
    members = current_links(db.session, cert.household_id) if cert.household_id else []
    holdings, _payments = holder_history(db.session, org.id, household_id=cert.household_id,
                                         person_id=cert.person_id)
    today = local_today()
    current = [h for h in holdings if h.valid_from <= today and (h.valid_to is None or h.valid_to > today)]
    return render_template("shares/certificate.html", village=village, org=org, cert=cert,
                           members=members, holdings=current, total=sum((h.units for h in current), 0),
                           type_labels=SHARE_TYPE_LABELS, status_labels=STATUS_LABELS,
                           full_id=shows_full_id(village))


@bp.route("/villages/<code>/shares/certificates/<int:certificate_id>/change", methods=["POST"])
@require_role(CLERK)
def change(code: str, certificate_id: int):
    village, org = load_village(code)
    cert = _certificate(org, certificate_id)
    form = CertificateForm()
    number = cert.household.number if cert.household else None
    back = (url_for("shares.household", code=code, number=number) if number
            else url_for("shares.index", code=code))
    if not form.validate_on_submit():
        flash(_("Please give the reason"), "error")
        return redirect(back)
    try:
        change_certificate(db.session, cert, form.action.data, reason=form.reason.data,
                           new_number=form.new_number.data, actor=current_user)
    except DomainError as err:
        refused(err)
        return redirect(back)
    commit(_("The certificate has been updated"))
    return redirect(back)


@bp.route("/areas/<code>/shares")
@require_role(*READERS)
def report(code: str):
    """Share units per village for a village, a town or the district (the user's scope)."""
    area = None
    for level in ("village", "town", "district"):
        area = area or find_area(db.session, current_user, code, level)
    if area is None:
        abort(404)
    ensure_in_scope(current_user, area.code)
    day = local_today()
    rows = units_by_village(db.session, area.scope_prefix, day)
    totals: dict = {}
    for row in rows:
        for share_type, units in row.units.items():
            totals[share_type] = totals.get(share_type, 0) + units
    return render_template("shares/report.html", area=area, rows=rows, totals=totals, day=day,
                           type_labels=SHARE_TYPE_LABELS, types=list(SHARE_TYPE_LABELS))
