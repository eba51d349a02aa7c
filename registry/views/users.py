"""User administration for the administrator and every user's own password (issue 13 item 2).

The administrator creates accounts for a village, a town or the district, resets passwords (a one-time
password shown once), disables and re-enables accounts and moves them to another role or area; every
change is audited (services/users.py). The administrator reads no member data beyond what the role
already shows (masked ID numbers). An account with a one-time password is sent to the password page
before anything else."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from registry.extensions import db
from registry.forms.users import ActionForm, ActiveForm, NewUserForm, PasswordForm, RoleAreaForm
from registry.models import Area, User
from registry.permissions import ADMIN, ROLE_LABELS, require_role
from registry.services.errors import DomainError
from registry.services.users import (
    change_own_password,
    change_role_area,
    create_user,
    one_time_password,
    reset_password,
    set_active,
)

bp = Blueprint("users", __name__)
_FREE_WHEN_MUST_CHANGE = {"users.password", "auth.logout", "auth.login", "static"}


@bp.before_app_request
def _must_change_password():
    """An account with a one-time password may only change it (or log out)."""
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in _FREE_WHEN_MUST_CHANGE):
        return redirect(url_for("users.password"))
    return None


def _areas() -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.code.startswith(current_user.scope)).order_by(Area.code)))


def _role_area_choices(form: RoleAreaForm) -> dict[str, Area]:
    areas = {a.code: a for a in _areas()}
    form.role.choices = [(r, ROLE_LABELS[r]) for r in ROLE_LABELS]
    form.area.choices = [(a.code, f"{a.full_name or a.name}（{a.code}）") for a in areas.values()]
    return areas


def _user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not user.area.code.startswith(current_user.scope):
        abort(404)
    return user


@bp.get("/admin/users")
@require_role(ADMIN)
def index():
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("users/index.html", users=users)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new():
    form = NewUserForm()
    areas = _role_area_choices(form)
    if form.validate_on_submit():
        password = one_time_password()
        try:
            user = create_user(db.session, form.username.data, password, form.role.data, areas[form.area.data],
                               form.display_name.data, must_change_password=True, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("users/new.html", form=form), 422
        db.session.commit()
        return render_template("users/password_once.html", user=user, password=password, created=True)
    return render_template("users/new.html", form=form), 400 if form.errors else 200


@bp.get("/admin/users/<int:user_id>")
@require_role(ADMIN)
def edit(user_id: int):
    user = _user(user_id)
    form = RoleAreaForm(data={"role": user.role, "area": user.area.code})
    _role_area_choices(form)
    return render_template("users/edit.html", user=user, form=form, action_form=ActionForm(),
                           active_form=ActiveForm())


@bp.post("/admin/users/<int:user_id>/role")
@require_role(ADMIN)
def change_role(user_id: int):
    user = _user(user_id)
    form = RoleAreaForm()
    areas = _role_area_choices(form)
    if form.validate_on_submit():
        try:
            change_role_area(db.session, user, form.role.data, areas[form.area.data], actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("users.edit", user_id=user.id))
        db.session.commit()
        flash(_("%(user)s is now %(role)s of %(area)s", user=user.username, role=ROLE_LABELS[user.role],
                area=user.area.name), "success")
        return redirect(url_for("users.edit", user_id=user.id))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reset")
@require_role(ADMIN)
def reset(user_id: int):
    user = _user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = reset_password(db.session, user, actor=current_user)
    db.session.commit()
    # Rendered, not redirected: the one-time password is never stored in a session or a flash.
    return render_template("users/password_once.html", user=user, password=password, created=False)


@bp.post("/admin/users/<int:user_id>/active")
@require_role(ADMIN)
def active(user_id: int):
    user = _user(user_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    try:
        set_active(db.session, user, form.active.data == "1", actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("users.edit", user_id=user.id))
    db.session.commit()
    flash(_("%(user)s has been enabled", user=user.username) if user.active
          else _("%(user)s has been disabled", user=user.username), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            change_own_password(db.session, user, form.current.data, form.new.data)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("users/password.html", form=form), 422
        db.session.commit()
        # The change ended every session of the user (a cookie copied elsewhere dies); this browser
        # goes on with a fresh session of the new version.
        session.clear()
        login_user(user)
        flash(_("Your password has been changed"), "success")
        return redirect(url_for("main.index"))
    return render_template("users/password.html", form=form), 400 if form.errors else 200
