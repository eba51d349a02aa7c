"""Land rules through the service (issue 15): L-04, L-06, L-07, L-10, L-16, L-18."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, CoHolder, LandContract, Membership, Parcel, Person
from registry.services.errors import DomainError
from registry.services.land import changes
from registry.services.land.importer import import_land
from registry.services.land.rules import add_years, is_registrable
from registry.services.membership.hukou import record_hukou_change
from tests.conftest import SAMPLES
from tests.services.land_helpers import village

TODAY = date(2026, 1, 5)
V1 = "370305100201"


@pytest.fixture
def land(db, demo):
    org = village(db, V1)
    report = import_land(db.session, (SAMPLES / "rights" / f"land_{V1}.xlsx").read_bytes(), org, actor=None,
                         today=TODAY)
    db.session.commit()
    assert report.committed
    return org


def contract_with_parcels(db, n=1, extended=False) -> LandContract:
    for c in db.session.scalars(select(LandContract).order_by(LandContract.contractor_code)):
        if not c.circulations and len(c.parcels) >= n and (c.term_end == date(2058, 12, 31)) == extended:
            return c
    raise AssertionError("no such contract in the sample")


def circulate(db, contract, ends_on, starts_on=date(2026, 1, 1), **kw):
    parcel = contract.parcels[0]
    return changes.add_circulation(db.session, contract, parcel_codes=[parcel.code], method="lease",
                                   receiver_name="临淄区齐都镇东柳庄绿源蔬菜种植专业合作社",
                                   receiver_id_number="93370305MA3XKHXC68", area=parcel.contract_area,
                                   starts_on=starts_on, ends_on=ends_on, price=Decimal("900.00"), actor=None, **kw)


def test_L04_extension_adds_30_years_once(db, land):
    contract = contract_with_parcels(db)
    assert contract.term_end == date(2028, 12, 31)
    changes.extend_contract(db.session, contract, actor=None)
    assert (contract.term_end, contract.original_term_end) == (date(2058, 12, 31), date(2028, 12, 31))
    with pytest.raises(DomainError) as err:
        changes.extend_contract(db.session, contract, actor=None)
    assert err.value.rule == "L-04"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "land.contract_extended"))
    assert event.detail["changes"]["term_end"] == ["2028-12-31", "2058-12-31"]


def test_L16_circulation_ending_after_the_contract_term_is_refused(db, land):
    contract = contract_with_parcels(db)
    with pytest.raises(DomainError) as err:
        circulate(db, contract, date(2030, 12, 31))
    assert (err.value.code, err.value.rule) == ("circulation.term_exceeds_contract", "L-16")
    assert circulate(db, contract, date(2028, 12, 31)).ends_on == date(2028, 12, 31)


def test_L16_an_extended_contract_allows_a_circulation_to_2038(db, land):
    contract = contract_with_parcels(db, extended=True)
    assert circulate(db, contract, date(2038, 12, 31)).registrable


def test_L18_registrable_from_five_years(db, land):
    assert is_registrable(date(2019, 1, 1), date(2023, 12, 31))
    assert not is_registrable(date(2019, 1, 1), date(2023, 12, 30))
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    contract = contract_with_parcels(db)
    short = circulate(db, contract, date(2028, 12, 31))  # 3 years
    assert not short.registrable
    assert contract.term_end == date(2028, 12, 31)  # the contract itself is unchanged (L-18)


def test_L06_L10_married_out_daughter_stays_a_coholder(db, land):
    """The clean sample's daughters who married out before the reform are on no roster: imported as
    co-holders (SFGYR 是) with a person record, kept on the contract (L-06, L-10)."""
    members = set(db.session.scalars(select(Membership.person_id)))
    outside = db.session.scalars(select(CoHolder).where(CoHolder.person_id.not_in(members))).all()
    assert len(outside) == 3 and all(h.is_coholder and h.valid_to is None for h in outside)
    with pytest.raises(DomainError) as err:
        changes.end_coholder(db.session, outside[0], ground="出嫁到外村", on_date=TODAY, actor=None)
    assert err.value.rule == "L-07"
    assert outside[0].valid_to is None


def test_L07_L10_hukou_move_changes_no_coholder_and_is_no_ground(db, land):
    holder = db.session.scalars(select(CoHolder).join(Membership, Membership.person_id == CoHolder.person_id)
                                .where(CoHolder.is_coholder.is_(True))).first()
    membership = db.session.scalar(select(Membership).where(Membership.person_id == holder.person_id))
    record_hukou_change(db.session, membership, place="淄博市张店区", in_organization=False, moved_at=TODAY,
                        moved_to_town=True, actor=None, today=TODAY)
    db.session.commit()
    db.session.refresh(holder)
    assert holder.valid_to is None and holder.is_coholder
    for ground in ("户口迁入城镇", "", None):
        with pytest.raises(DomainError) as err:
            changes.end_coholder(db.session, holder, ground=ground, on_date=TODAY, actor=None)
        assert err.value.rule == "L-07"
    ended = changes.end_coholder(db.session, holder, ground="死亡（死亡证明 2025-12-01）", on_date=TODAY, actor=None)
    assert ended.end_ground.startswith("死亡")


def test_circulation_area_and_parcels_are_checked(db, land):
    contract = contract_with_parcels(db)
    parcel = contract.parcels[0]
    with pytest.raises(DomainError) as err:
        changes.add_circulation(db.session, contract, parcel_codes=[parcel.code], method="lease", receiver_name="某",
                                receiver_id_number=None, area=parcel.contract_area + 1, starts_on=date(2026, 1, 1),
                                ends_on=date(2027, 1, 1), price=None, actor=None)
    assert err.value.code == "circulation.area_exceeds"
    circulate(db, contract, date(2027, 12, 31))
    with pytest.raises(DomainError) as err:
        circulate(db, contract, date(2027, 6, 30), starts_on=date(2027, 1, 1))
    assert err.value.code == "circulation.parcel_busy"


def test_certificate_life_cycle_and_parcel_change_are_audited(db, land):
    contract = contract_with_parcels(db)
    changes.set_certificate(db.session, contract, status="replaced", number=contract.certificate_no + "2",
                            actor=None)
    changes.set_certificate(db.session, contract, status="cancelled", number=None, actor=None)
    with pytest.raises(DomainError):
        changes.set_certificate(db.session, contract, status="reissued", number=None, actor=None)
    parcel = db.session.scalar(select(Parcel).where(Parcel.contract_id == contract.id))
    changes.change_parcel(db.session, parcel, actor=None, measured_area=Decimal("1.2345"))
    with pytest.raises(DomainError):
        changes.change_parcel(db.session, parcel, actor=None, contract_area=Decimal("0"))
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"land.certificate", "land.parcel_changed"} <= actions
    assert db.session.scalar(select(Person.id).limit(1))
