"""Rules of the member assembly without HTTP: capacity on a day (A-07), attendance and proxies (A-06),
the representative base (A-08) and the link of decisions to member-assembly resolutions (A-10)."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.services.assembly.attendance import resolve_attendance
from registry.services.assembly.capacity import age_on, meeting_base
from registry.services.errors import DomainError
from registry.services.filing.resolutions import record_resolution
from registry.services.membership.grants import check_grant_resolution
from registry.services.membership.transitions import check_confirming_resolution
from tests.services.assembly.helpers import TODAY, flag, representatives
from tests.services.filing_helpers import add_household, org, user

D = dt.date
MEETING = D(2025, 10, 11)


@pytest.fixture
def family(db, demo):
    s = db.session
    return add_household(s, org(s), "0001", [("父", "1", D(1970, 1, 1), "02"), ("母", "2", D(1972, 1, 1), "10"),
                                             ("子", "1", D(2009, 1, 1), "20")]) + \
        add_household(s, org(s), "0002", [("邻", "1", D(1960, 1, 1), "02"), ("同名", "2", D(1961, 1, 1), "10")]) + \
        add_household(s, org(s), "0003", [("同名", "2", D(1990, 1, 1), "02")])


def test_A07_age_on_the_day_and_29_february():
    assert age_on(D(2007, 10, 11), D(2025, 10, 11)) == 18
    assert age_on(D(2007, 10, 12), D(2025, 10, 11)) == 17
    assert age_on(D(2008, 2, 29), D(2026, 2, 28)) == 18


def test_A07_limited_flag_counts_from_its_date(db, family):
    s = db.session
    flag(s, family[0], limited=True, since=D(2025, 10, 12))
    assert meeting_base(s, org(s).id, MEETING).size == 5  # the day before the basis: still in the base
    assert meeting_base(s, org(s).id, D(2025, 10, 12)).size == 4


def test_A07_flags_need_a_basis_and_fit_the_age(db, family):
    from registry.services.assembly.capacity import set_capacity

    s = db.session
    with pytest.raises(DomainError) as err:
        set_capacity(s, org(s), family[0], limited=True, limited_basis="", limited_since=D(2025, 1, 1),
                     self_supporting=False, actor=user(s, "clerk"), today=TODAY)
    assert err.value.rule == "A-07"
    with pytest.raises(DomainError):  # 55 years old: the self-supporting flag only matters at 16-17
        flag(s, family[0], self_supporting=True)
    with pytest.raises(DomainError):
        set_capacity(s, org(s), family[0], limited=False, self_supporting=False, actor=user(s, "town"), today=TODAY)


def test_A06_counts_and_names(db, family):
    base = meeting_base(db.session, org(db.session).id, MEETING)
    assert resolve_attendance(base, in_person="3", online="1", proxies="").total == 4
    with pytest.raises(DomainError) as err:  # more than the base
        resolve_attendance(base, in_person="5", online="1", proxies="")
    assert err.value.code == "resolution.counts"
    with pytest.raises(DomainError) as err:  # a name shared by two members needs the ID number
        resolve_attendance(base, in_person="同名", online="", proxies="")
    assert "身份证号码" in err.value.message
    same = family[4].person.id_number
    assert resolve_attendance(base, in_person=same, online="", proxies="").modes == {family[4].person_id: "in_person"}
    with pytest.raises(DomainError) as err:  # present in person and by proxy
        resolve_attendance(base, in_person="母", online="", proxies="母 父")
    assert err.value.rule == "A-06"
    with pytest.raises(DomainError) as err:  # a stranger cannot hold a proxy
        resolve_attendance(base, in_person="", online="", proxies="母 张三")
    assert err.value.rule == "A-06"
    with pytest.raises(DomainError) as err:  # one proxy per absent member
        resolve_attendance(base, in_person="", online="", proxies="邻 " + same + "\n邻 " + family[5].person.id_number)
    assert err.value.rule == "A-06"


def test_A06_proxies_only_for_the_member_assembly(db, family):
    base = meeting_base(db.session, org(db.session).id, MEETING)
    with pytest.raises(DomainError) as err:
        resolve_attendance(base, in_person="", online="", proxies="母 父", body="representative")
    assert err.value.rule == "A-06"


def test_A10_decisions_link_only_to_passed_member_assembly_resolutions(db, demo):
    """A representative resolution (A-08) can neither confirm members nor grant Art. 15 rights (A-10)."""
    s = db.session
    representatives(s, 25)
    r = record_resolution(s, org(s), body="representative", subject="other", notice_date=D(2025, 9, 1),
                          meeting_date=MEETING, in_person=25, votes_for=20, actor=user(s, "clerk"), today=TODAY)
    pending = add_household(s, org(s), "0900", [("新人", "2", D(1999, 1, 1), "02")], status="pending",
                            ground="marriage")
    with pytest.raises(DomainError):
        check_confirming_resolution(r, pending[0])
    with pytest.raises(DomainError):
        check_grant_resolution(r, org(s))
