"""The administrator's 节假日日历 page (issue 13 item 6): the years maintained, and the State Council's
calendar for a year uploaded on the web — a validated preview, then apply. Applying recounts every
notice that was counted on the provisional calendar (services/filing/notices.recount_provisional)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.excel.text_files import decode_text
from registry.extensions import db
from registry.forms.calendar import CalendarApplyForm, CalendarUploadForm
from registry.models import Holiday
from registry.permissions import ADMIN, require_role
from registry.services import audit
from registry.services.calendar import load_holidays, parse_holidays
from registry.services.errors import DomainError
from registry.services.filing.notices import recount_provisional
from registry.services.uploads import discard_upload, load_upload, save_upload, upload_folder

bp = Blueprint("calendar", __name__)
SCOPE = "370305"  # uploads are stored per user and area; the calendar is the district's


def _years() -> list[dict]:
    rows = db.session.execute(select(Holiday.day, Holiday.is_workday)).all()
    rest, work = Counter(d.year for d, w in rows if not w), Counter(d.year for d, w in rows if w)
    return [{"year": y, "rest": rest[y], "work": work[y]} for y in sorted(set(rest) | set(work))]


def _dry_run(rows) -> tuple[dict, int]:
    """What applying would do — calendar row counts and provisional notices extended — computed by
    the same services as apply, then rolled back."""
    counts = load_holidays(db.session, rows)
    extended = len(recount_provisional(db.session, actor=current_user))
    db.session.rollback()
    return counts, extended


@bp.route("/admin/calendar", methods=["GET", "POST"])
@require_role(ADMIN)
def index():
    form = CalendarUploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        filename = Path(storage.filename or "holidays.csv").name
        try:
            rows = parse_holidays(decode_text(data))
        except UnicodeDecodeError:
            flash(_("The calendar file must be a CSV text file (UTF-8 or GBK)."), "error")
            return render_template("calendar/index.html", form=form, years=_years()), 422
        except DomainError as exc:
            flash(exc.message, "error")
            return render_template("calendar/index.html", form=form, years=_years()), 422
        counts, extended = _dry_run(rows)
        token = save_upload(upload_folder(current_app), data, user_id=current_user.id, area_code=SCOPE,
                            filename=filename)
        by_year = Counter(day.year for day, _w, _n in rows)
        return render_template("calendar/preview.html", rows=rows, counts=counts, extended=extended,
                               by_year=sorted(by_year.items()), token=token, filename=filename,
                               apply_form=CalendarApplyForm())
    return render_template("calendar/index.html", form=form, years=_years()), 400 if form.errors else 200


@bp.post("/admin/calendar/<token>/apply")
@require_role(ADMIN)
def apply(token: str):
    form = CalendarApplyForm()
    folder = upload_folder(current_app)
    stored = load_upload(folder, token, user_id=current_user.id, area_code=SCOPE) if form.validate_on_submit() else None
    if stored is None:
        flash(_("The uploaded calendar has expired or was already applied; upload it again."), "error")
        return redirect(url_for("calendar.index"))
    data, filename = stored
    try:
        rows = parse_holidays(decode_text(data))
    except (UnicodeDecodeError, DomainError):
        flash(_("The calendar file must be a CSV text file (UTF-8 or GBK)."), "error")
        return redirect(url_for("calendar.index"))
    counts = load_holidays(db.session, rows)
    extended = recount_provisional(db.session, actor=current_user)
    audit.record(db.session, actor=current_user, action="calendar.loaded", target_type="calendar", target_id=None,
                 area_code=SCOPE, filename=filename, years=sorted({d.year for d, _w, _n in rows}), **counts,
                 notices_extended=[n.id for n in extended])
    db.session.commit()
    discard_upload(folder, token)
    flash(_("Holiday calendar loaded: %(added)s added, %(updated)s updated, %(unchanged)s unchanged; "
            "%(extended)s provisional notices extended.", extended=len(extended), **counts), "success")
    return redirect(url_for("calendar.index"))
