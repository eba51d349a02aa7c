"""The collective's charter settings page (DOMAIN §8): everyone in scope reads the settings in force and
their history; the district officer or the administrator changes them, citing the charter article.

Handlers: load (404 outside the scope) → form → service → one commit → flash → redirect. A refused rule
(DomainError: A-04, F-04, S-…) is rolled back and shown with its rule id on the re-rendered page (422)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.clock import local_today
from registry.extensions import db
from registry.forms.charter import CharterForm
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.services.charter import fields, settings_for, update_settings
from registry.services.charter.settings import EDITOR_ROLES, history
from registry.services.errors import DomainError
from registry.views.members import commit, load_village, refused

bp = Blueprint("charter", __name__)

READERS = (CLERK, TOWN, DISTRICT, ADMIN)


def _page(code: str, form: CharterForm | None = None, status: int = 200):
    village, org = load_village(code)
    today = local_today()
    view = settings_for(db.session, org.id, today)
    can_edit = current_user.role in EDITOR_ROLES
    if can_edit and form is None:
        form = CharterForm(formdata=None)
        form.fill(view)
    rows = [(name, label, fields.display(name, value)) for (name, label), value
            in zip(fields.SETTINGS.items(), view.values().values(), strict=True)]
    return render_template("charter/settings.html", village=village, org=org, view=view, rows=rows,
                           versions=history(db.session, org.id), form=form, can_edit=can_edit, today=today), status


@bp.get("/villages/<code>/charter")
@require_role(*READERS)
def show(code: str):
    return _page(code)


@bp.post("/villages/<code>/charter")
@require_role(DISTRICT, ADMIN)
def update(code: str):
    _village, org = load_village(code)
    form = CharterForm()
    if not form.validate_on_submit():
        return _page(code, form, 422)
    try:
        update_settings(db.session, org, form.changes(), actor=current_user, article=form.article.data,
                        effective_on=form.effective_on.data, today=local_today())
    except DomainError as err:
        refused(err)
        return _page(code, form, 422)
    commit(_("The charter settings have been saved"))
    return redirect(url_for("charter.show", code=code))
