"""Land contract register pages (issue 15): the clerk's import (upload → preview → apply, error workbook,
the roster import's flow), a household's land with history / as of a date, a member's rights, the rights
overview of a village, a town and the district, and the clerk's changes of one record (L-04 extension,
certificate, co-holder end, circulation)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.clock import local_today
from registry.codes import CERTIFICATE_STATUS, CIRCULATION_METHOD, LAND_GRADE, LAND_USE_TYPE, RELATION
from registry.excel.land.cells import parse_code_list
from registry.extensions import db
from registry.forms.dates import date_arg
from registry.forms.imports import ApplyForm, UploadForm
from registry.forms.land import (
    AddCoholderForm,
    CertificateForm,
    CirculationForm,
    EndCoholderForm,
    EndRecordForm,
    ExtendForm,
    ParcelForm,
)
from registry.models import CoHolder, LandContract, Parcel
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.land import household_land, person_rights, rights_overview
from registry.reports.roster.listing import find_area, mask_id_number, member_detail
from registry.reports.roster.masking import hidden_birth_date
from registry.services.errors import DomainError
from registry.services.land import changes, records
from registry.services.land.error_workbook import land_error_workbook_bytes
from registry.services.land.importer import import_land
from registry.views.concurrency import check_version
from registry.views.households import _household
from registry.views.imports import (
    PREVIEW_ERROR_LIMIT,
    Applied,
    apply_stored,
    preview_upload,
    stored_error_workbook,
)
from registry.views.members import commit, refused
from registry.views.roster import load_village, shows_full_id

bp = Blueprint("land", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)
LABELS = {"method": CIRCULATION_METHOD, "relation": RELATION, "grade": LAND_GRADE, "type": LAND_USE_TYPE,
          "certificate": CERTIFICATE_STATUS}


# --- import ---------------------------------------------------------------------------------------------
@bp.route("/villages/<code>/land/import", methods=["GET", "POST"])
@require_role(CLERK)
def upload(code: str):
    """Upload a land register workbook; POST runs the dry run and shows the preview."""
    village, org = load_village(code)
    form = UploadForm()
    if form.validate_on_submit():
        return preview_upload(code, form, lambda data, **kw: import_land(
            db.session, data, org, actor=current_user, **kw), org=org)
    return render_template("land/upload.html", org=org, form=form), 400 if form.errors else 200


@bp.post("/villages/<code>/land/import/<token>/apply")
@require_role(CLERK)
def apply(code: str, token: str):
    """Apply a previewed file in one transaction (all or nothing, or contractors without errors)."""
    village, org = load_village(code)
    done = apply_stored(code, token, "land.upload",
                        lambda data, **kw: import_land(db.session, data, org, actor=current_user, **kw))
    if not isinstance(done, Applied):
        return done
    report = done.report
    if not done.committed:
        return render_template("imports/preview.html", org=org, report=report, token=token,
                               filename=done.filename, partial=done.partial, apply_form=ApplyForm(),
                               error_limit=PREVIEW_ERROR_LIMIT), 422
    flash(_("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
            created=report.created, updated=report.updated, unchanged=report.unchanged), "success")
    return redirect(url_for("land.village_rights", code=code))


@bp.get("/villages/<code>/land/import/<token>/errors.xlsx")
@require_role(CLERK)
def error_workbook(code: str, token: str):
    village, org = load_village(code)
    return stored_error_workbook(code, token, lambda data, filename: land_error_workbook_bytes(
        db.session, data, org, filename=filename))


# --- pages ----------------------------------------------------------------------------------------------
def _as_of() -> dt.date | None:
    return date_arg("as_of")  # 2025-03-01, 2025.3.1, 2025年3月1日 …; a bad date is a 400


def _can_edit(village) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


def _masked_births(land) -> set[dt.date]:
    """The birth dates hidden in the numbers the household land page shows (representatives, co-holders)."""
    people = [p for c in land.contracts for p in (c.representative, *(h.person for h in land.coholders(c)))]
    return {born for p in people if p is not None and (born := hidden_birth_date(p.id_number)) is not None}


def _date_shown(land, full: bool):
    """The page's date filter: as is for a role with full numbers, else a date equal to a birth date of
    the page as ``year …`` (the simplest sound rule: the masked digits are never next to their value)."""
    if full:
        return lambda d: d
    births = _masked_births(land)
    return lambda d: _("year %(year)s", year=d.year) if d is not None and d in births else d


def _household_page(code: str, number: str, *, status: int = 200, forms: dict | None = None):
    village, org = load_village(code)
    household = _household(org, number)
    as_of = _as_of()
    land = household_land(db.session, household, as_of)
    full = shows_full_id(village)
    forms = forms or {}
    return render_template(
        "land/household.html", village=village, org=org, household=household, land=land, as_of=as_of,
        can_edit=_can_edit(village) and as_of is None, labels=LABELS,
        shown_id=(lambda n: n if full else mask_id_number(n)),
        # Where IDs are masked to the birth year, a co-holder's dates show the year only: a child's
        # co-holding often starts on the birth date, which would restore the masked digits (issue 10).
        shown_day=(lambda d: d if full or d is None else _("year %(year)s", year=d.year)),
        # Every other date of the page (term, signing, parcels, circulations) shows as its year where it
        # equals the birth date hidden in a masked number of the page (QA finding, issue 10 item 4).
        shown_date=_date_shown(land, full),
        extend_form=forms.get("extend") or ExtendForm(), certificate_form=forms.get("certificate") or
        CertificateForm(), end_form=forms.get("end") or EndCoholderForm(),
        circulation_form=forms.get("circulation") or CirculationForm(),
        parcel_form=forms.get("parcel") or ParcelForm(),
        coholder_form=forms.get("add_coholder") or AddCoholderForm(),
        end_contract_form=forms.get("end_contract") or EndRecordForm(),
        end_parcel_form=forms.get("end_parcel") or EndRecordForm()), status


@bp.get("/villages/<code>/households/<number>/land")
@require_role(*READERS)
def household(code: str, number: str):
    """A household's contract, parcels, co-holders and circulations; ``?as_of=YYYY-MM-DD`` for history."""
    return _household_page(code, number)


@bp.get("/villages/<code>/members/<int:membership_id>/land")
@require_role(*READERS)
def member(code: str, membership_id: int):
    """The rights the member holds or co-holds (L-06): hukou and marriage change none of them (L-10)."""
    village, org = load_village(code)
    detail = member_detail(db.session, org.id, membership_id)
    if detail is None:
        abort(404)
    rights = person_rights(db.session, detail.membership.person_id)
    return render_template("land/member.html", village=village, org=org, m=detail.membership,
                           person=detail.membership.person, rights=rights, labels=LABELS)


def _overview(area, template_area_kind: str):
    as_of = _as_of() or local_today()
    rows, total = rights_overview(db.session, area, as_of=as_of)
    return render_template("land/overview.html", area=area, rows=rows, total=total, as_of=as_of,
                           methods=CIRCULATION_METHOD.choices(), kind=template_area_kind)


@bp.get("/villages/<code>/rights")
@require_role(*READERS)
def village_rights(code: str):
    village, _org = load_village(code)
    return _overview(village, "village")


@bp.get("/towns/<code>/rights")
@require_role(TOWN, DISTRICT, ADMIN)
def town_rights(code: str):
    town = find_area(db.session, current_user, code, "town")
    if town is None:
        abort(404)
    return _overview(town, "town")


@bp.get("/district/rights")
@require_role(DISTRICT, ADMIN)
def district_rights():
    return _overview(current_user.area, "district")


# --- changes of one record (clerk) ----------------------------------------------------------------------
def _contract(org, contractor_code: str) -> LandContract:
    contract = db.session.scalar(select(LandContract).where(LandContract.organization_id == org.id,
                                                            LandContract.contractor_code == contractor_code,
                                                            LandContract.valid_to.is_(None)))
    if contract is None:
        abort(404)
    return contract


def _change(code: str, key: str, form, record, contract: LandContract, act, message):
    """One clerk change on the household's land page: check the form and the version the page showed,
    run ``act()`` (a ``registry.services.land.changes`` call), commit and go back to the page with
    ``message()``; a refused rule or an invalid form shows the page again (422), a lost race 409."""
    number = contract.household.number
    if not form.validate_on_submit():
        return _household_page(code, number, status=422, forms={key: form})
    check_version(record, form)
    try:
        act()
    except DomainError as err:
        refused(err)
        return _household_page(code, number, status=422, forms={key: form})
    if commit(message()):
        return redirect(url_for("land.household", code=code, number=number))
    return _household_page(code, number, status=409, forms={key: form})


@bp.post("/villages/<code>/land/<contractor_code>/extend")
@require_role(CLERK)
def extend(code: str, contractor_code: str):
    """L-04: the term + 30 years."""
    village, org = load_village(code)
    contract = _contract(org, contractor_code)
    return _change(code, "extend", ExtendForm(), contract, contract,
                   lambda: changes.extend_contract(db.session, contract, actor=current_user),
                   lambda: _("The contract term was extended to %(date)s", date=contract.term_end))


@bp.post("/villages/<code>/land/<contractor_code>/certificate")
@require_role(CLERK)
def certificate(code: str, contractor_code: str):
    village, org = load_village(code)
    contract = _contract(org, contractor_code)
    form = CertificateForm()
    return _change(code, "certificate", form, contract, contract,
                   lambda: changes.set_certificate(db.session, contract, status=form.status.data,
                                                   number=form.number.data or None, actor=current_user),
                   lambda: _("Certificate updated"))


@bp.post("/villages/<code>/land/coholders/<int:coholder_id>/end")
@require_role(CLERK)
def end_coholder(code: str, coholder_id: int):
    """Only a recorded lawful ground ends a co-holder's right (L-07); marriage or hukou never (L-10)."""
    village, org = load_village(code)
    holder = db.session.get(CoHolder, coholder_id)
    if holder is None or holder.contract.organization_id != org.id:
        abort(404)
    form = EndCoholderForm()
    return _change(code, "end", form, holder, holder.contract,
                   lambda: changes.end_coholder(db.session, holder, ground=form.ground.data,
                                                on_date=form.on_date.data, actor=current_user),
                   lambda: _("The co-holder's right was ended"))


@bp.post("/villages/<code>/land/<contractor_code>/circulations")
@require_role(CLERK)
def add_circulation(code: str, contractor_code: str):
    """A circulation of the operation right (L-15..L-18; its end never after the contract's, L-16)."""
    village, org = load_village(code)
    contract = _contract(org, contractor_code)
    form = CirculationForm()
    return _change(code, "circulation", form, contract, contract, lambda: changes.add_circulation(
        db.session, contract, parcel_codes=parse_code_list(form.parcel_codes.data) or [],
        method=form.method.data, receiver_name=form.receiver_name.data,
        receiver_id_number=form.receiver_id.data or None, area=form.area.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, price=form.price.data, signed_on=form.signed_on.data,
        filed_on=form.filed_on.data, code=form.code.data or None, actor=current_user),
        lambda: _("Circulation recorded"))


@bp.post("/villages/<code>/land/parcels/<int:parcel_id>")
@require_role(CLERK)
def change_parcel(code: str, parcel_id: int):
    """Correct a parcel's name or areas (old → new in the audit log)."""
    village, org = load_village(code)
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None or parcel.contract.organization_id != org.id or parcel.valid_to is not None:
        abort(404)
    form = ParcelForm()
    return _change(code, "parcel", form, parcel, parcel.contract, lambda: changes.change_parcel(
        db.session, parcel, actor=current_user, name=(form.name.data or "").strip() or None,
        contract_area=form.contract_area.data, measured_area=form.measured_area.data),
        lambda: _("Parcel updated"))


@bp.post("/villages/<code>/land/<contractor_code>/coholders")
@require_role(CLERK)
def add_coholder(code: str, contractor_code: str):
    """L-06: a member of the contracting household becomes a co-holder from a date."""
    village, org = load_village(code)
    contract = _contract(org, contractor_code)
    form = AddCoholderForm()
    return _change(code, "add_coholder", form, contract, contract,
                   lambda: records.add_coholder(db.session, contract, id_number=form.id_number.data,
                                                on_date=form.on_date.data, actor=current_user),
                   lambda: _("The co-holder was added"))


@bp.post("/villages/<code>/land/<contractor_code>/end")
@require_role(CLERK)
def end_contract(code: str, contractor_code: str):
    """End a contract (and its parcels, co-holders, circulations) with a date and a lawful ground (L-07)."""
    village, org = load_village(code)
    contract = _contract(org, contractor_code)
    form = EndRecordForm()
    return _change(code, "end_contract", form, contract, contract,
                   lambda: records.end_contract(db.session, contract, ground=form.ground.data,
                                                on_date=form.on_date.data, actor=current_user),
                   lambda: _("The contract was ended"))


@bp.post("/villages/<code>/land/parcels/<int:parcel_id>/end")
@require_role(CLERK)
def end_parcel(code: str, parcel_id: int):
    """End one parcel with a date and a lawful ground (L-07); never while it is circulated."""
    village, org = load_village(code)
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None or parcel.contract.organization_id != org.id or parcel.valid_to is not None:
        abort(404)
    form = EndRecordForm()
    return _change(code, "end_parcel", form, parcel, parcel.contract,
                   lambda: records.end_parcel(db.session, parcel, ground=form.ground.data,
                                              on_date=form.on_date.data, actor=current_user),
                   lambda: _("The parcel was ended"))
