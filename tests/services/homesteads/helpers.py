"""Shared setup of the homestead tests: a village with its sample roster imported."""
from __future__ import annotations

from registry.services.areas import organization_for_village
from registry.services.homesteads.importer import import_homesteads
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

RIGHTS = SAMPLES / "rights"
VILLAGE = "370305100201"


def village_with_roster(db, code: str = VILLAGE):
    """The organisation of ``code`` with ``roster_<code>.xlsx`` imported (the rights files' precondition)."""
    org = organization_for_village(db.session, code)
    report = import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), org, actor=None)
    assert report.committed, report.errors[:3]
    db.session.commit()
    return org


def village_with_homesteads(db, code: str = VILLAGE):
    """The village with its roster and its clean homestead register imported."""
    org = village_with_roster(db, code)
    report = import_homesteads(db.session, (RIGHTS / f"homestead_{code}.xlsx").read_bytes(), org, actor=None)
    assert report.committed, report.errors[:3]
    db.session.commit()
    return org
