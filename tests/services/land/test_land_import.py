"""Land contract register import through the service (issue 15): clean files, NY/T file, messy file all or
nothing / partial, idempotent re-import."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.models import AuditEvent, Circulation, CirculationParcel, CoHolder, LandContract, Parcel
from registry.services.areas import organization_for_village
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, TODAY, village


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def run(db, org, name, **kw):
    data = (RIGHTS / name).read_bytes()
    report = import_land(db.session, data, org, actor=None, filename=name, today=TODAY, **kw)
    db.session.commit()
    return report


def test_clean_land_file_imports_and_reimports_unchanged(db, demo):
    org = village(db, "370305100201")
    report = run(db, org, "land_370305100201.xlsx")
    assert [e["code"] for e in report.errors] == []
    assert sorted({w["code"] for w in report.warnings}) == ["coholder.left_household"]
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (85 + 329 + 322 + 25, 0, 0)
    assert (count(db, LandContract), count(db, Parcel), count(db, CoHolder), count(db, Circulation)) == (
        85, 329, 322, 25)
    assert count(db, CirculationParcel) == 49
    total = db.session.scalar(select(func.sum(Parcel.contract_area)))
    measured = db.session.scalar(select(func.sum(Parcel.measured_area)))
    assert (str(total), str(measured)) == ("416.4200", "433.9611")
    extended = db.session.scalar(select(func.count()).where(LandContract.term_end == date(2058, 12, 31)))
    assert extended == 5
    again = run(db, org, "land_370305100201.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 761)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "land.import")) == 2


def test_nyt_file_after_chinese_file_is_all_unchanged(db, demo):
    """L-22: the 确权 export with NY/T 2539 field codes names the same register."""
    org = village(db, "370305100202")
    first = run(db, org, "land_370305100202_nyt.xlsx")
    assert first.committed and not first.errors
    again = run(db, org, "land_370305100202.xlsx")
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == 203 + 772 + 741 + 67


def test_messy_file_all_or_nothing_writes_nothing(db, demo):
    org = village(db, "370305100201")
    report = run(db, org, "land_messy_370305100201.xlsx")
    assert not report.committed and report.errors
    assert len({(e["sheet"], e["row"]) for e in report.errors}) == 65
    assert count(db, LandContract) == 0


def test_messy_file_partial_imports_households_without_errors(db, demo):
    org = village(db, "370305100201")
    report = run(db, org, "land_messy_370305100201.xlsx", partial=True)
    assert report.committed and report.skipped_households
    contracts = count(db, LandContract)
    assert 0 < contracts < 52
    assert not set(report.skipped_households) & set(db.session.scalars(select(LandContract.contractor_code)))
    again = run(db, org, "land_messy_370305100201.xlsx", partial=True)
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.parametrize("dry_run", [True])
def test_dry_run_writes_nothing(db, demo, dry_run):
    org = village(db, "370305100201")
    report = run(db, org, "land_370305100201.xlsx", dry_run=dry_run)
    assert not report.committed and report.created == 761
    assert count(db, LandContract) == 0


def test_land_import_needs_the_roster_first(db, demo):
    org = organization_for_village(db.session, "370305100201")
    report = run(db, org, "land_370305100201.xlsx")
    assert report.file_error and report.errors[0]["code"] == "land.no_roster"
