"""The registry's clock: business dates are Beijing dates, stored timestamps are naive UTC.

A notice posted, a meeting held or a filing recorded happens on a date in 临淄区, not on the
server's UTC date (between 00:00 and 08:00 Beijing time the two differ by a day). Every business
"today" therefore comes from :func:`local_today`, every stored timestamp from :func:`utc_now`.

The zone is the app's ``BABEL_DEFAULT_TIMEZONE`` (the same setting Flask-Babel uses to display
stored timestamps) when an app context is active, else Asia/Shanghai.

Tests fix the clock by monkeypatching :func:`utc_now` (every other function reads it)::

    monkeypatch.setattr(registry.clock, "utc_now", lambda: datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware UTC. The single source of "now"."""
    return dt.datetime.now(dt.UTC)


def local_zone() -> ZoneInfo:
    """The configured zone (``BABEL_DEFAULT_TIMEZONE``), Asia/Shanghai outside an app context."""
    name = DEFAULT_TIMEZONE
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - flask is a dependency
        has_app_context = None
    if has_app_context is not None and has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def local_now() -> dt.datetime:
    """The current time in the local zone, timezone-aware."""
    return utc_now().astimezone(local_zone())


def local_today() -> dt.date:
    """Today's date in the local zone (Beijing): the date of every business event."""
    return local_now().date()


def utc_naive_now() -> dt.datetime:
    """The current instant as naive UTC, the form timestamps are stored in."""
    return utc_now().replace(tzinfo=None)


def to_local(value: dt.datetime) -> dt.datetime:
    """A stored timestamp (naive = UTC) as an aware local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_zone())


def local_date(value: dt.datetime) -> dt.date:
    """The local (Beijing) date of a stored timestamp (naive = UTC): what the timeline shows."""
    return to_local(value).date()


def utc_naive_start(day: dt.date) -> dt.datetime:
    """The instant the local (Beijing) ``day`` begins, as naive UTC: stored timestamps on or after it and
    before ``utc_naive_start(day + 1 day)`` fall on ``day``."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())
    return start.astimezone(dt.UTC).replace(tzinfo=None)
