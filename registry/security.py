"""Security hardening in one place (issue 4): the 429 page of the login throttle (views/auth.py,
services/logins.py: failed logins counted in the database, per account and per address),
response headers (CSP without external sources, no framing, no sniffing, same-origin referrers, HSTS
over HTTPS), ``Cache-Control: no-store`` on everything a signed-in user sees (pages and downloads hold
personal information), and the production secret-key check."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from registry.extensions import db, limiter

DEFAULT_CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
               "form-action 'self'; frame-ancestors 'none'")
DEV_SECRET = "dev-only-not-secret"


def init_security(app: Flask) -> None:
    """Called by the app factory after the other extensions."""
    _check_secret_key(app)
    limiter.init_app(app)
    app.after_request(_security_headers)

    @app.errorhandler(429)
    def too_many_requests(e):
        db.session.rollback()
        return render_template("errors/error.html", status=429, title=_("Too many attempts"),
                               message=_("Too many login attempts; please wait a minute and try again")), 429


def _check_secret_key(app: Flask) -> None:
    """Production (``SECRET_KEY_MIN_LENGTH`` set) refuses the development key and short keys."""
    min_length = app.config.get("SECRET_KEY_MIN_LENGTH")
    key = app.config.get("SECRET_KEY") or ""
    if min_length and (key == DEV_SECRET or len(key) < min_length):
        raise RuntimeError(f"SECRET_KEY must be a random value of at least {min_length} characters: "
                           "set FLASK_SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))')")


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
