"""Test data for the notice / resolution / filing tests, built directly with the models."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from registry.models import Household, HouseholdMember, HukouRecord, Membership, Organization, Person, User

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_seq = itertools.count(100)


def resident_id(birth: dt.date, sex: str, seq: int | None = None) -> str:
    """A valid 18-character resident ID (GB 11643) for a person born in 临淄区."""
    seq = next(_seq) if seq is None else seq
    body = f"370305{birth:%Y%m%d}{seq % 100:02d}{(seq // 100) % 5 * 2 + (1 if sex == '1' else 0)}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]


def org(session, code: str = "370305100201") -> Organization:
    return session.scalar(select(Organization).where(Organization.area_code == code))


def user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def add_household(session, organization: Organization, number: str, members, *, group: str = "01",
                  status: str = "confirmed", ground: str = "reform", acquired_at=dt.date(2019, 6, 30)):
    """Create a household and one membership per ``(name, sex, birth, relation)``; the first
    member is the head. Returns the memberships in order."""
    household = Household(organization_id=organization.id, number=number, group_code=group)
    session.add(household)
    session.flush()
    out = []
    for i, (name, sex, birth, relation) in enumerate(members):
        person = Person(id_number=resident_id(birth, sex), name=name, sex=sex, birth_date=birth)
        person.id_tail = person.id_number[-4:]
        session.add(person)
        session.flush()
        session.add(HouseholdMember(household_id=household.id, person_id=person.id, relation=relation,
                                    is_head=i == 0, valid_from=dt.date(2019, 1, 1)))
        session.add(HukouRecord(person_id=person.id, place="山东省淄博市临淄区齐都镇", in_organization=True,
                                organization_id=organization.id))
        m = Membership(person_id=person.id, organization_id=organization.id, household_id=household.id,
                       status=status, acquisition_ground=ground, acquired_at=acquired_at, group_code=group,
                       confirmed_at=acquired_at if status == "confirmed" else None, retention_flags="")
        session.add(m)
        session.flush()
        out.append(m)
    return out


def reform_roster(session, organization: Organization, households: int = 3):
    """A reform-era roster (M-05): every member confirmed with ground ``reform``."""
    out = []
    for h in range(households):
        out += add_household(session, organization, f"{h + 1:04d}", [
            (f"张{h}甲", "1", dt.date(1970, 3, 1 + h), "02"),
            (f"李{h}乙", "2", dt.date(1972, 5, 2 + h), "10"),
            (f"张{h}丙", "1", dt.date(1998, 7, 3 + h), "20"),
        ])
    return out


def candidates(session, organization: Organization, number: str = "0100", n: int = 2):
    """Pending candidates (birth / marriage) in a new household."""
    people = [("王新生", "2", dt.date(2024, 1, 9), "02"), ("赵嫁入", "2", dt.date(1999, 2, 8), "10"),
              ("孙三", "1", dt.date(2001, 4, 4), "20")][:n]
    return add_household(session, organization, number, people, status="pending", ground="marriage",
                         acquired_at=dt.date(2025, 1, 1))


def adults(session, organization: Organization, n: int, *, first_household: int = 500):
    """``n`` confirmed adult members (born 1950–1989) in households of five. Returns them."""
    out = []
    for start in range(0, n, 5):
        people = [(f"成员{i:03d}", "12"[i % 2], dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
                   "02" if i == start else "20") for i in range(start, min(start + 5, n))]
        out += add_household(session, organization, f"{first_household + start // 5:04d}", people)
    return out
