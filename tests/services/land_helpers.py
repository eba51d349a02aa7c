"""The land register tests' setting: a sample village with its roster imported (the precondition of a
land import), and the sample land files."""
from __future__ import annotations

from datetime import date

from registry.services.areas import organization_for_village
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

RIGHTS = SAMPLES / "rights"
TODAY = date(2026, 1, 5)


def village(db, code: str):
    """The village's organisation with its sample roster imported and committed."""
    org = organization_for_village(db.session, code)
    import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), org, actor=None, today=TODAY)
    db.session.commit()
    return org
