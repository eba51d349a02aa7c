"""Share tests: a village with its sample roster imported (the precondition of every share register)."""
from __future__ import annotations

import datetime as dt

from registry.services.areas import organization_for_village
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

RIGHTS = SAMPLES / "rights"
TODAY = dt.date(2026, 6, 15)
VILLAGES = ("370305100201", "370305100202", "370305102201")


def roster_imported(db, code: str = "370305100201"):
    """The village's organisation with its clean sample roster imported and committed."""
    org = organization_for_village(db.session, code)
    data = (SAMPLES / f"roster_{code}.xlsx").read_bytes()
    report = import_roster(db.session, data, org, actor=None, filename="roster.xlsx", today=TODAY)
    assert report.committed, report.errors[:3]
    db.session.commit()
    return org


def shares_file(code: str = "370305100201", messy: bool = False) -> bytes:
    name = f"shares_messy_{code}.xlsx" if messy else f"shares_{code}.xlsx"
    return (RIGHTS / name).read_bytes()


def resolution(db, org, *, subject="distribution_plan", body="member_assembly", meeting=dt.date(2026, 5, 20),
               notice=dt.date(2026, 5, 1), base=100, votes=80):
    """A passed resolution stored directly (its own rules are tested with the filing workflow)."""
    from registry.models import Resolution

    r = Resolution(organization_id=org.id, body=body, subject=subject, notice_date=notice,
                   meeting_date=meeting,
                   base_members=base, attendees=votes, votes_for=votes, passed=True)
    db.session.add(r)
    db.session.flush()
    return r


def use_settings(monkeypatch, **changes):
    """Charter share settings other than the defaults, for one test (share_settings reads DEFAULT)."""
    import dataclasses

    from registry.services.shares import settings

    monkeypatch.setattr(settings, "DEFAULT", dataclasses.replace(settings.DEFAULT, **changes))
