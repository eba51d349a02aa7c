"""Security hardening in one place (issue 4): the 429 page of the login throttle (views/auth.py,
services/logins.py: failed logins counted in the database, per account and per address),
response headers (CSP without external sources, no framing, no sniffing, same-origin referrers, HSTS
over HTTPS), ``Cache-Control: no-store`` on everything a signed-in user sees (pages and downloads hold
personal information), and the production secret-key check."""
from __future__ import annotations

from flask import Flask, current_app, flash, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from registry import clock
from registry.extensions import db, limiter
from registry.secret_key import COMMITTED_KEYS

DEFAULT_CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
               "form-action 'self'; frame-ancestors 'none'")


def init_security(app: Flask) -> None:
    """Called by the app factory after the other extensions."""
    _check_secret_key(app)
    limiter.init_app(app)
    app.before_request(_idle_timeout)
    app.after_request(_security_headers)

    @app.errorhandler(429)
    def too_many_requests(e):
        db.session.rollback()
        return render_template("errors/error.html", status=429, title=_("Too many attempts"),
                               message=_("Too many login attempts; please wait a minute and try again")), 429


def _check_secret_key(app: Flask) -> None:
    """No configuration signs with a key once committed to the source; production
    (``SECRET_KEY_MIN_LENGTH`` set) refuses short keys too."""
    min_length = app.config.get("SECRET_KEY_MIN_LENGTH") or 0
    key = app.config.get("SECRET_KEY") or ""
    if key in COMMITTED_KEYS or len(key) < min_length:
        raise RuntimeError(f"SECRET_KEY must be a random value of at least {max(min_length, 16)} characters: "
                           "set FLASK_SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))')")


SEEN_KEY = "_seen"  # the session's last request, UTC epoch seconds


def _idle_timeout() -> None:
    """A signed-in session idle for longer than ``SESSION_IDLE_TIMEOUT`` seconds (default 8 hours: an
    office PC left signed in) is ended before the request is served; otherwise it is marked as seen
    (at most once a minute, so most responses do not rewrite the cookie)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(clock.utc_now().timestamp())
    seen = session.get(SEEN_KEY)
    limit = current_app.config.get("SESSION_IDLE_TIMEOUT") or 0
    if limit and isinstance(seen, int) and now - seen > limit:
        session.clear()
        logout_user()
        flash(_("You were signed out after a period of inactivity; please sign in again"), "warning")
        return
    if not isinstance(seen, int) or now - seen >= 60:
        session[SEEN_KEY] = now


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config.get("CONTENT_SECURITY_POLICY", DEFAULT_CSP))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    hsts = current_app.config.get("HSTS")
    if hsts and request.is_secure:
        headers.setdefault("Strict-Transport-Security", hsts)
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response
