"""Rights transaction pages (issue 11): the village clerk drafts a transaction of any type the service
supports, records the village's consent or resolution and withdraws it; the town officer records it
(in effect), returns it with a reason or rejects it. Every step goes through the one entry point
``registry.services.transfers.workflow`` (draft / act); a refused rule is shown in Chinese with its rule
id (422; a stale draft at the town's record 409 with what changed), never a 500. The action forms carry
the version the user saw (optimistic locking, ``views/concurrency.py``). Scope: the village in the URL
(404 outside the user's area); an action beyond the role is 403.

The register, its export and the town's pending list are in ``registry.views.transfer_register``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.clock import local_today
from registry.extensions import db
from registry.forms.transfers import TransferActionForm, TransferForm
from registry.models import Homestead, Household, LandContract, Parcel, Person, Resolution
from registry.models.transfers import TRANSFER_TYPES, Transfer
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.households import household_choices
from registry.reports.transfers.choices import (
    homestead_choices,
    member_choices,
    parcel_choices,
    resolution_choices,
)
from registry.reports.transfers.labels import (
    ACTION_LABELS,
    STATE_LABELS,
    TO_ORGANIZATION,
    TYPE_LABELS,
    object_kind,
)
from registry.reports.transfers.register import party_transfers, transfer_history
from registry.services.errors import DomainError
from registry.services.shares.settings import SHARE_TYPE_LABELS
from registry.services.transfers.documents import attach
from registry.services.transfers.workflow import FIELDS, TRANSITIONS, act, draft
from registry.views.concurrency import check_version
from registry.views.member_page import chosen_id, commit, load_village

bp = Blueprint("transfers", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)
CLERK_ACTIONS = ("consent", "withdraw")
TOWN_ACTIONS = ("record", "return", "reject")


def refusal(err: DomainError) -> str:
    """The Chinese message with its rule id (or the stable code where no rule applies)."""
    return str(err) if err.rule else f"{err.message}（{err.code}）"


def _refused(err: DomainError) -> None:
    db.session.rollback()
    flash(refusal(err), "error")


def _lost_race() -> None:
    db.session.rollback()
    flash(_("Another open transaction over the same object was saved at the same time; "
            "reload the page and check (§6.3)"), "error")


def _commit(message: str) -> bool:
    """Commit once; a lost race (the same object, the same journal number) is a message, not a 500."""
    try:
        return commit(message)  # a StaleDataError is its message
    except IntegrityError:
        _lost_race()
        return False


def _is_clerk_of(village) -> bool:
    return current_user.role == CLERK and current_user.area.code == village.code


# --- a new draft ----------------------------------------------------------------------------------------

def _draft_form(org) -> TransferForm:
    form = TransferForm()
    households = [("", "—"), *household_choices(db.session, org.id)]
    members = [("", "—"), *member_choices(db.session, org.id)]
    form.type.choices = [(code, TYPE_LABELS.get(code, code)) for code in TRANSFER_TYPES]
    form.household_from.choices = form.household_to.choices = households
    form.person_from.choices = form.person_to.choices = members
    form.share_type.choices = [("", "—"), *SHARE_TYPE_LABELS.items()]
    form.parcel.choices = form.counter_parcel.choices = [("", "—"), *parcel_choices(db.session, org.id)]
    form.homestead.choices = [("", "—"), *homestead_choices(db.session, org.id)]
    form.resolution.choices = [("", "—"), *resolution_choices(db.session, org.id)]
    return form


def _picked(field) -> int | None:
    """The id a select posted, when it is one of its choices; a tampered value is a field error."""
    value = chosen_id(field.data)
    if value is None:
        return None
    if str(value) not in {c[0] for c in field.choices}:
        field.errors.append(_("Not a choice of this village"))
        return None
    return value


def _holder(parcel: Parcel) -> int:
    return db.session.get(LandContract, parcel.contract_id).household_id


def _draft_data(org, form: TransferForm) -> dict | None:
    """The service's keyword arguments from the form, or None with field errors set (422)."""
    type_ = form.type.data
    kind, to_org = object_kind(type_), type_ in TO_ORGANIZATION
    data = {"household_from_id": _picked(form.household_from), "person_from_id": _picked(form.person_from),
            "price": form.price.data, "agreement_date": form.agreement_date.data,
            "voluntary_applied": bool(form.voluntary_applied.data),
            "voluntary_applied_on": form.voluntary_applied_on.data,
            "voluntary_document": (form.voluntary_document.data or "").strip() or None,
            "resolution_id": _picked(form.resolution), "consent_note": (form.consent_note.data or "").strip() or None}
    if not to_org:
        data["household_to_id"] = _picked(form.household_to)
        data["person_to_id"] = _picked(form.person_to)
        heir = (form.heir_id_number.data or "").strip().upper()
        if heir and type_ == "share_inheritance":
            person = db.session.scalar(select(Person).where(Person.id_number == heir))
            if person is None:
                form.heir_id_number.errors.append(_("No registered person with this ID number"))
            else:
                data["person_to_id"] = person.id
    if kind == "share":
        data["share_type"] = form.share_type.data if form.share_type.data in SHARE_TYPE_LABELS else None
        data["units"] = form.units.data
        if not data["share_type"]:
            form.share_type.errors.append(_("Please choose the share type"))
        if not data["units"]:
            form.units.errors.append(_("Please enter the units (more than 0)"))
    elif kind == "homestead":
        data["homestead_id"] = _picked(form.homestead)
        h = db.session.get(Homestead, data["homestead_id"]) if data["homestead_id"] else None
        if h is None:
            form.homestead.errors.append(_("Please choose the homestead"))
        else:
            data["area_m2"] = form.area_m2.data if form.area_m2.data is not None else h.plot_area
            data["household_from_id"] = data["household_from_id"] or h.household_id
    elif kind == "land":
        data["parcel_id"] = _picked(form.parcel)
        parcel = db.session.get(Parcel, data["parcel_id"]) if data["parcel_id"] else None
        if parcel is None:
            form.parcel.errors.append(_("Please choose the parcel"))
        else:
            data["area_mu"] = form.area_mu.data if form.area_mu.data is not None else parcel.contract_area
            data["household_from_id"] = data["household_from_id"] or _holder(parcel)
        if type_ == "land_exchange" and "counter_parcel_id" in FIELDS:
            data["counter_parcel_id"] = counter = _picked(form.counter_parcel)
            if counter is None:
                form.counter_parcel.errors.append(_("Please choose the parcel given back"))
            else:
                data["household_to_id"] = data["household_to_id"] or _holder(db.session.get(Parcel, counter))
        if type_ == "land_return" and "notice_on" in FIELDS:
            data["notice_on"] = form.notice_on.data
    elif not data["person_from_id"]:  # an Art. 16 withdrawal: the member who withdraws
        form.person_from.errors.append(_("Please choose the member who withdraws"))
    if type_ == "membership_withdrawal" and "retained_rights_until" in FIELDS:
        data["retained_rights_until"] = form.retained_rights_until.data
    if not (data["household_from_id"] or data["person_from_id"]):
        form.household_from.errors.append(_("Please choose the transferring household or person"))
    if not to_org and not (data.get("household_to_id") or data.get("person_to_id")):
        form.household_to.errors.append(_("Please choose the receiving household or person"))
    if any(f.errors for f in form):
        return None
    return data


def _new_page(village, org, form, status: int = 200):
    # the fields this version of the service takes (land exchange, return notice, Art. 16 withdrawal)
    return render_template("transfers/new.html", village=village, org=org, form=form,
                           to_org=TO_ORGANIZATION, supports=set(FIELDS)), status


@bp.route("/villages/<code>/transfers/new", methods=["GET", "POST"])
@require_role(CLERK)
def new(code: str):
    village, org = load_village(code)
    form = _draft_form(org)
    if request.method == "GET":
        form.agreement_date.data = form.agreement_date.data or local_today()
        return _new_page(village, org, form)
    valid = form.validate_on_submit()
    # the object and party checks run on an invalid form too, so every error shows at once
    data = _draft_data(org, form) if form.type.data in TRANSFER_TYPES else None
    if not valid or data is None:
        return _new_page(village, org, form, status=422)
    try:
        t = draft(db.session, org, type=form.type.data, actor=current_user, day=local_today(), **data)
    except DomainError as err:
        _refused(err)
        return _new_page(village, org, form, status=422)
    except IntegrityError:  # the partial unique index: another open draft over the object won the race
        _lost_race()
        return _new_page(village, org, form, status=409)
    transfer_id = t.id
    if not _commit(_("The transaction has been drafted")):
        return _new_page(village, org, form, status=409)
    return redirect(url_for("transfers.detail", code=code, transfer_id=transfer_id))


# --- one transaction ------------------------------------------------------------------------------------

def _transfer(org, transfer_id: int) -> Transfer:
    t = db.session.get(Transfer, transfer_id)
    if t is None or t.organization_id != org.id:
        abort(404)
    return t


def _actions(village, t: Transfer) -> list[str]:
    mine = (CLERK_ACTIONS if _is_clerk_of(village) else TOWN_ACTIONS if current_user.role == TOWN else ())
    return [a for a in mine if (t.state, a) in TRANSITIONS]


def _names(t: Transfer) -> dict:
    def household(hid):
        return db.session.get(Household, hid) if hid else None

    def person(pid):
        return db.session.get(Person, pid) if pid else None

    return {"household_from": household(t.household_from_id), "household_to": household(t.household_to_id),
            "person_from": person(t.person_from_id), "person_to": person(t.person_to_id),
            "parcel": db.session.get(Parcel, t.parcel_id) if t.parcel_id else None,
            "counter_parcel": (db.session.get(Parcel, t.counter_parcel_id)
                               if getattr(t, "counter_parcel_id", None) else None),
            "homestead": db.session.get(Homestead, t.homestead_id) if t.homestead_id else None,
            "resolution": db.session.get(Resolution, t.resolution_id) if t.resolution_id else None}


def _field_labels() -> dict:
    """The history's ``{field: [old, new]}`` keys (the papers attached after the draft) in Chinese."""
    return {"voluntary_applied": _("Signed voluntary application (D-08)"),
            "voluntary_applied_on": _("Application date"),
            "voluntary_document": _("Application document (file name)"),
            "resolution_id": _("Resolution")}


def _detail_page(village, org, t: Transfer, form=None, status: int = 200):
    form = form or TransferActionForm()
    form.version.data = str(t.version)
    form.resolution.choices = [("", "—"), *resolution_choices(db.session, org.id)]
    return render_template("transfers/detail.html", village=village, org=org, t=t, form=form,
                           actions=_actions(village, t), history=transfer_history(db.session, t.id),
                           type_labels=TYPE_LABELS, state_labels=STATE_LABELS, action_labels=ACTION_LABELS,
                           share_labels=SHARE_TYPE_LABELS, kind=object_kind(t.type), to_org=TO_ORGANIZATION,
                           field_labels=_field_labels(),
                           **_names(t)), status


@bp.get("/villages/<code>/transfers/<int:transfer_id>")
@require_role(*READERS)
def detail(code: str, transfer_id: int):
    village, org = load_village(code)
    return _detail_page(village, org, _transfer(org, transfer_id))


@bp.post("/villages/<code>/transfers/<int:transfer_id>/<action>")
@require_role(CLERK, TOWN)
def act_on(code: str, transfer_id: int, action: str):
    village, org = load_village(code)
    if action not in CLERK_ACTIONS + TOWN_ACTIONS:
        abort(404)
    if action not in (CLERK_ACTIONS if current_user.role == CLERK else TOWN_ACTIONS):
        abort(403)
    t = _transfer(org, transfer_id)
    form = TransferActionForm()
    form.resolution.choices = [("", "—"), *resolution_choices(db.session, org.id)]
    if not form.validate_on_submit():
        return _detail_page(village, org, t, form, status=422)
    check_version(t, form)  # a stale page → StaleDataError → 409 (views/concurrency.py)
    resolution_id = _picked(form.resolution)
    if form.resolution.errors:
        return _detail_page(village, org, t, form, status=422)
    try:
        if action == "consent":  # the papers may arrive after the draft (D-07, D-08)
            attach(db.session, t, actor=current_user, resolution_id=resolution_id,
                   voluntary_applied_on=form.voluntary_applied_on.data,
                   voluntary_document=form.voluntary_document.data)
        act(db.session, t, action, actor=current_user, day=local_today(), reason=form.reason.data,
            effective_on=form.effective_on.data if action == "record" else None)
    except DomainError as err:
        _refused(err)
        t = _transfer(org, transfer_id)
        return _detail_page(village, org, t, TransferActionForm(formdata=None),
                            status=409 if err.code == "transfers.stale" else 422)
    except IntegrityError:  # two records at once: the journal number or the open-object index
        _lost_race()
        return _detail_page(village, org, _transfer(org, transfer_id), TransferActionForm(formdata=None),
                            status=409)
    if _commit(_("The transaction is now: %(state)s", state=STATE_LABELS[t.state])):
        return redirect(url_for("transfers.detail", code=code, transfer_id=transfer_id))
    return _detail_page(village, org, _transfer(org, transfer_id), status=409)


# --- the member page and the household page -------------------------------------------------------------

@bp.app_template_global()
def transfers_of(household_id: int | None = None, person_id: int | None = None) -> dict:
    """The transactions a household or a person is party to, with the labels the list shows."""
    return {"rows": party_transfers(db.session, household_id=household_id, person_id=person_id),
            "types": TYPE_LABELS, "states": STATE_LABELS}
