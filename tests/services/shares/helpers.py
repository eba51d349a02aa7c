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
