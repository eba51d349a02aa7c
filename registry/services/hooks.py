"""Hooks: a lower layer announces an event, the layer above registers what it means (issue 9: the
dependency points one way, no import cycle).

``roster_changed``: the membership and household services announce that a village's roster changed;
the filing package (:mod:`registry.services.filing.filings`, imported by the app's views and so by every
request and CLI command) registers the F-04 consequence — the open filing, a new draft after a filed
version, a posted notice voided.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from registry.models import Organization

ROSTER_CHANGED: list[Callable[..., object]] = []


def on_roster_changed(handler: Callable[..., object]) -> Callable[..., object]:
    """Register ``handler(session, organization, *, actor, today, change)`` (once)."""
    if handler not in ROSTER_CHANGED:
        ROSTER_CHANGED.append(handler)
    return handler


def roster_changed(session: Session, organization: Organization, *, actor, today: dt.date, change: str):
    """Run the registered handlers; returns the last one's result (the open filing). Raises RuntimeError
    when nothing is registered: a roster change must never skip F-04 silently."""
    if not ROSTER_CHANGED:
        raise RuntimeError("no roster_changed handler registered: import registry.services.filing.filings")
    result = None
    for handler in ROSTER_CHANGED:
        result = handler(session, organization, actor=actor, today=today, change=change)
    return result
