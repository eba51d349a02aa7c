"""The transaction register of a village, a town or the district (issue 11): filters (type, state, period
of the agreement date) and totals computed in SQL (count, 亩, m², share units, yuan), its .xlsx export,
and the town's pending list (transactions the village has consented to, awaiting the town's record).
Every role reads inside its area (the area in the URL: 404 outside)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from registry.excel.transfers.register import write_transfer_register
from registry.extensions import db
from registry.forms.transfers import RegisterFilterForm
from registry.models import Area
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role, scoped
from registry.reports.transfers.labels import STATE_LABELS, TYPE_LABELS
from registry.reports.transfers.register import Filters, register_ids, register_rows, register_totals
from registry.services import audit
from registry.services.shares.settings import SHARE_TYPE_LABELS
from registry.views.downloads import xlsx_response

bp = Blueprint("transfer_register", __name__)

#: Rows per page of the register and of the town's pending list; the totals and the export cover all rows.
PER_PAGE = 100
FILTER_ARGS = ("type", "state", "date_from", "date_to")

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _area(code: str) -> Area:
    area = db.session.scalar(scoped(select(Area).where(Area.code == code), Area.code, current_user))
    if area is None:
        abort(404)
    return area


def _filters() -> tuple[RegisterFilterForm, Filters]:
    form = RegisterFilterForm(formdata=request.args)
    form.type.choices = [("", "—"), *TYPE_LABELS.items()]
    form.state.choices = [("", "—"), *STATE_LABELS.items()]
    form.validate()  # a field that is not valid (a date that is not one) is left out and says why; the
    # others still filter, so the rows, the totals and the export's title agree with what is applied
    reversed_period = form.reversed_period()  # a start after the end: neither date applies, the form says why
    return form, Filters(type=form.type.data if form.type.data in TYPE_LABELS else None,
                         state=form.state.data if form.state.data in STATE_LABELS else None,
                         date_from=None if form.date_from.errors or reversed_period else form.date_from.data,
                         date_to=None if form.date_to.errors else form.date_to.data)


@bp.get("/areas/<code>/transfers")
@require_role(*READERS)
def register(code: str):
    area = _area(code)
    form, f = _filters()
    pagination = db.paginate(register_ids(area.scope_prefix, f), per_page=PER_PAGE, max_per_page=PER_PAGE,
                             error_out=False)
    return render_template("transfers/register.html", area=area, form=form, pagination=pagination,
                           rows=register_rows(db.session, area.scope_prefix, f, ids=list(pagination.items)),
                           totals=register_totals(db.session, area.scope_prefix, f),
                           page_args={k: v for k, v in request.args.items() if k in FILTER_ARGS and v},
                           type_labels=TYPE_LABELS, state_labels=STATE_LABELS, share_labels=SHARE_TYPE_LABELS,
                           can_draft=current_user.role == CLERK and current_user.area.code == area.code,
                           query=request.query_string.decode("ascii", "replace"))


@bp.get("/areas/<code>/transfers/pending")
@require_role(TOWN, DISTRICT, ADMIN)
def pending(code: str):
    """Transactions the village has consented to, awaiting the town's record (oldest first)."""
    area = _area(code)
    f = Filters(state="consented")
    pagination = db.paginate(register_ids(area.scope_prefix, f), per_page=PER_PAGE, max_per_page=PER_PAGE,
                             error_out=False)
    return render_template("transfers/pending.html", area=area, pagination=pagination,
                           rows=register_rows(db.session, area.scope_prefix, f, ids=list(pagination.items)),
                           type_labels=TYPE_LABELS)


def _object(row) -> str:
    return row.parcel_code or row.plot_code or SHARE_TYPE_LABELS.get(row.share_type or "", row.share_type or "")


def _period(f: Filters) -> str:
    parts = [TYPE_LABELS[f.type]] if f.type else []
    parts += [STATE_LABELS[f.state]] if f.state else []
    if f.date_from or f.date_to:
        parts.append(f"协议日期 {f.date_from or '…'} 至 {f.date_to or '…'}")
    return "，".join(parts) or "全部交易"


@bp.get("/areas/<code>/transfers.xlsx")
@require_role(*READERS)
def export(code: str):
    """The filtered register as .xlsx (IDs and codes as text, money with 2 decimals, a total row); audited."""
    area = _area(code)
    _form, f = _filters()
    rows = register_rows(db.session, area.scope_prefix, f)
    totals = register_totals(db.session, area.scope_prefix, f)
    values = ([r.journal_no, r.village_code, r.village_name, TYPE_LABELS.get(r.type, r.type),
               STATE_LABELS.get(r.state, r.state), r.agreement_date, r.effective_on, r.from_household,
               r.from_person, r.to_household, r.to_person, _object(r), r.units, r.area_mu, r.area_m2, r.price]
              for r in rows)
    data = write_transfer_register(values, title=f"{area.name}农村产权交易登记簿", subtitle=_period(f),
                                   totals={"units": totals.units, "mu": totals.area_mu, "m2": totals.area_m2,
                                           "money": totals.price}, count=totals.count)
    audit.record(db.session, actor=current_user, action="transfers.export", target_type="area",
                 target_id=area.id, area_code=area.code, rows=totals.count)
    db.session.commit()
    return xlsx_response(data, f"交易登记簿_{area.code}.xlsx")
