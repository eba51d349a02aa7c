"""Login and logout. The session is rotated at login; logout is a POST with a CSRF token."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from registry.clock import utc_naive_now
from registry.extensions import db
from registry.forms.auth import LoginForm, LogoutForm
from registry.models import User
from registry.services import audit, logins
from registry.services.users import user_by_name

bp = Blueprint("auth", __name__)

# Compared against when the username is unknown, so a wrong username costs the same time as a
# wrong password (no account enumeration by timing). Built lazily: hashing costs ~50 ms.
_dummy_hash: str | None = None


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a local absolute path ("/villages/…"), else None. Rejects other hosts,
    scheme-relative "//host", backslash tricks that some browsers read as "//", and control or space
    characters (browsers drop the tab in "/<TAB>/host", leaving "//host")."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _check_credentials(username: str, password: str) -> tuple[User | None, bool]:
    """``(the account of that name or None, whether the password opens it)``."""
    global _dummy_hash
    user = user_by_name(db.session, username)
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = generate_password_hash("not-a-password", method="scrypt")
        check_password_hash(_dummy_hash, password)
        return None, False
    return user, user.check_password(password) and user.is_active


def _audit(action: str, user: User | None, **detail) -> None:
    """Sign-ins, failed sign-ins and sign-outs (issue 10): who (or which name was tried — never the
    password), from which address; filed under the account's area, else the district."""
    area_code = user.area.code if user is not None else current_app.config["DISTRICT_CODE"]
    audit.record(db.session, actor=user if action != "auth.login_failed" else None, action=action,
                 target_type="user", target_id=getattr(user, "id", None), area_code=area_code,
                 address=request.remote_addr, **detail)


def _throttled() -> bool:
    """Login throttle (issue 10 item 11), per account and per address, counted in the database every
    worker shares: ``LOGIN_RATE_LIMIT`` failures per username, ``LOGIN_ADDRESS_RATE_LIMIT`` per address.
    Off where the rate limit is off (``RATELIMIT_ENABLED``: the test configuration)."""
    config = current_app.config
    if request.method != "POST" or not config.get("RATELIMIT_ENABLED", True):
        return False
    return logins.throttled(db.session, username=request.form.get("username"), address=request.remote_addr,
                            now=utc_naive_now(),
                            per_account=logins.limit(config.get("LOGIN_RATE_LIMIT", "10 per minute")),
                            per_address=logins.limit(config.get("LOGIN_ADDRESS_RATE_LIMIT", "30 per minute")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if _throttled():
        abort(429)
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        user, ok = _check_credentials(username, form.password.data)
        if ok:
            target = safe_next(request.args.get("next"))
            session.clear()  # rotate: nothing from the anonymous session survives the login
            login_user(user)
            _audit("auth.login", user)
            db.session.commit()
            return redirect(target or url_for("main.index"))
        logins.record_failure(db.session, username=form.username.data, address=request.remote_addr,
                              now=utc_naive_now())
        _audit("auth.login_failed", user, username=username[:60])
        db.session.commit()
        flash(_("Incorrect username or password"), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    # CSRFProtect has already refused a POST without a valid token (400); validate anyway so the
    # view stays correct if the global protection is ever switched off.
    if form.validate_on_submit():
        user = current_user._get_current_object()
        user.revoke_sessions()  # this cookie (and any copy of it) stops working: issue 10 item 6
        _audit("auth.logout", user)
        db.session.commit()
        # Clear first: logout_user() marks the remember-me cookie for deletion in the session.
        session.clear()
        logout_user()
        flash(_("You have been logged out"), "success")
    return redirect(url_for("auth.login"))
