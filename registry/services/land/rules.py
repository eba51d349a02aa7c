"""Land contract rules used by the import and by the entry forms (DOMAIN L-04, L-06, L-07, L-10, L-16,
L-18). Pure functions over dates and values; they raise :class:`DomainError` with the rule id."""
from __future__ import annotations

import datetime as dt

from registry.services.errors import DomainError

__all__ = ["ARABLE_TERM_YEARS", "EXTENSION_YEARS", "REGISTRABLE_YEARS", "add_years", "is_registrable",
           "check_circulation_term", "extended_term_end", "check_end_ground"]

ARABLE_TERM_YEARS = 30  # L-04
EXTENSION_YEARS = 30  # L-04: an arable term that ends is extended by 30 years
REGISTRABLE_YEARS = 5  # L-18
#: Grounds that may never end a contract or a co-holder's right (L-07, L-10, H-01/H-02).
_UNLAWFUL_WORDS = ("户口", "户籍", "落户", "进城", "农转非", "迁出", "出嫁", "外嫁", "婚嫁", "离婚", "丧偶")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February -> 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def is_registrable(starts_on: dt.date, ends_on: dt.date) -> bool:
    """L-18: a circulation of 5 years or more may be registered (2019-01-01 – 2023-12-31 is 5 years)."""
    return ends_on >= add_years(starts_on, REGISTRABLE_YEARS) - dt.timedelta(days=1)


def check_circulation_term(starts_on: dt.date, ends_on: dt.date, contract_term_end: dt.date) -> None:
    """``term.invalid`` when the circulation ends before it starts; L-16 when it ends after the contract's
    term (``circulation.term_exceeds_contract``)."""
    if ends_on < starts_on:
        raise DomainError("term.invalid", f"流转结束日期 {ends_on} 早于流转开始日期 {starts_on}")
    if ends_on > contract_term_end:
        raise DomainError("circulation.term_exceeds_contract",
                          f"流转结束日期 {ends_on} 晚于承包期限止 {contract_term_end}："
                          "流转期限不得超过承包期的剩余期限",
                          rule="L-16")


def extended_term_end(term_end: dt.date) -> dt.date:
    """L-04: the term end after the second-round extension (+30 years: 2028-12-31 -> 2058-12-31)."""
    return add_years(term_end, EXTENSION_YEARS)


def check_end_ground(ground: str | None) -> str:
    """A contract, parcel or co-holder's right ends only with a recorded lawful act (L-07, L-09, L-13):
    a blank ground, a hukou move or a marriage is refused (L-07, L-10, H-01/H-02)."""
    text = (ground or "").strip()
    if not text:
        raise DomainError("land.end_ground", "终止承包经营权须写明依据（如依法收回、自愿交回、转让的文书）",
                          rule="L-07")
    if any(word in text for word in _UNLAWFUL_WORDS):
        raise DomainError("land.end_ground_unlawful",
                          f"“{text}”不是终止承包经营权的法定事由：户籍迁移、婚嫁不收回承包地（L-07、L-10）",
                          rule="L-07")
    return text
