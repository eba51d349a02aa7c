"""Persons and collective households as the change operations need them: find or create a person
from an entered ID (I-01 … I-08), a village's household, its current head (M-25)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.codes import ID_TYPE, RESIDENT_NUMBER_ID_TYPES, SEX
from registry.excel.normalise import INVALID, parse_name
from registry.excel.roster.validate import MESSAGES
from registry.identity import normalise_resident_id
from registry.models import Household, HouseholdMember, Organization, Person
from registry.services.errors import DomainError

_ID_RULES = {"id.format": "I-01", "id.checksum": "I-02", "id.birthdate": "I-03", "id.missing": "I-01",
             "id.precision_lost": "I-01"}


def person_for(session: Session, *, id_type: str | None, id_number: str, name: str, sex: str | None = None,
               birth_date: dt.date | None = None, phone: str | None = None,
               today: dt.date | None = None) -> Person:
    """The person with this ID, or a new one (added to the session). For a resident ID the number
    is checked and normalised (GB 11643), sex and birth date come from it and must agree (I-04).
    An existing person must carry the same name (a swapped ID shows up this way)."""
    id_type = ID_TYPE.lookup(id_type) or "1"
    clean_name = parse_name(name)
    sex = SEX.lookup(sex) if sex else None
    if id_type in RESIDENT_NUMBER_ID_TYPES:
        res = normalise_resident_id(id_number, today=today)
        if res.error:
            raise DomainError(f"person.{res.error}", MESSAGES[res.error].format(value=res.original or id_number),
                              rule=_ID_RULES.get(res.error))
        number, legacy = res.value, (res.original if res.warning else None)
        if sex is not None and sex != res.sex:
            raise DomainError("person.sex_mismatch", "性别与证件号码第 17 位不符", rule="I-04")
        if birth_date is not None and birth_date != res.birth_date:
            raise DomainError("person.birth_mismatch", "出生日期与证件号码不符", rule="I-04")
        sex, birth_date = res.sex, res.birth_date
    else:
        number, legacy = (id_number or "").strip(), None
        if not number or len(number) > 20:
            raise DomainError("person.id_other", "证件号码不能为空，且不超过 20 位", rule="I-07")
        if sex is None:
            raise DomainError("person.sex", "请选择性别")
    existing = session.scalar(select(Person).where(Person.id_number == number))
    if existing is not None:
        if existing.name != (name or "").strip():
            raise DomainError("person.name_mismatch",
                              f"证件号码尾号 {number[-4:]} 已登记为“{existing.name}”，与填写的姓名不符，请核对",
                              rule="I-08")
        return existing
    if clean_name is None or clean_name is INVALID:
        raise DomainError("person.name", "请填写有效的姓名（不能含数字或问号）")
    person = Person(id_type=id_type, id_number=number, id_number_legacy=legacy, name=clean_name, sex=sex,
                    birth_date=birth_date, phone=(phone or "").strip() or None, id_tail=number[-4:])
    session.add(person)
    return person


def household_of(session: Session, organization: Organization, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.organization_id != organization.id:
        raise DomainError("household.not_found", "本村没有这一户")
    return household


def household_by_number(session: Session, organization: Organization, number: str) -> Household | None:
    return session.scalar(select(Household).where(Household.organization_id == organization.id,
                                                  Household.number == number))


def current_link(session: Session, person_id: int, household_id: int | None) -> HouseholdMember | None:
    if household_id is None:
        return None
    return session.scalar(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.person_id == person_id,
        HouseholdMember.valid_to.is_(None)))


def current_head(session: Session, household_id: int) -> HouseholdMember | None:
    return session.scalar(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.is_head.is_(True),
        HouseholdMember.valid_to.is_(None)))


def current_links(session: Session, household_id: int) -> list[HouseholdMember]:
    return list(session.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.valid_to.is_(None))
        .order_by(HouseholdMember.is_head.desc(), HouseholdMember.relation, HouseholdMember.id)))
