"""Login throttling shared by every process (issue 10 item 11). Failed logins are rows of
``login_failures``; a login is refused (the view answers 429) while the account has had
``per_account.amount`` failures within ``per_account``'s period — from any address — or the address
has had ``per_address.amount`` failures — for any username. The database is the shared store, so four
gunicorn workers allow the same number of guesses as one, and guessing across user names from one
address is throttled too."""
from __future__ import annotations

import datetime as dt

from limits import RateLimitItem, parse
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.models.logins import LoginFailure

KEEP = dt.timedelta(days=1)


def normalised(username: str | None) -> str:
    return (username or "").strip().lower()[:60]


def limit(text: str) -> RateLimitItem:
    """A limit written as Flask-Limiter writes it ("10 per minute")."""
    return parse(text)


def throttled(session: Session, *, username: str | None, address: str | None, now: dt.datetime,
              per_account: RateLimitItem, per_address: RateLimitItem) -> bool:
    """Whether a login attempt must be refused before its password is checked."""
    name, addr = normalised(username), (address or "")[:64]
    checks = ((LoginFailure.username, name, per_account), (LoginFailure.address, addr, per_address))
    for column, value, rule in checks:
        since = now - dt.timedelta(seconds=rule.get_expiry())
        failures = session.scalar(select(func.count()).select_from(LoginFailure)
                                  .where(column == value, LoginFailure.at > since))
        if failures >= rule.amount:
            return True
    return False


def record_failure(session: Session, *, username: str | None, address: str | None, now: dt.datetime) -> None:
    """Count a failed login (and prune the counters older than a day). Flushes; the view commits."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP))
    session.add(LoginFailure(at=now, username=normalised(username), address=(address or "")[:64]))
    session.flush()
