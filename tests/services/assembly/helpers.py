"""Helpers for the assembly tests: capacity flags and an elected representative assembly."""
from __future__ import annotations

import datetime as dt

from registry.models import Membership
from registry.services.assembly.capacity import set_capacity
from registry.services.assembly.representatives import elect
from tests.services.filing_helpers import adults, org, user

TODAY = dt.date(2025, 10, 20)


def flag(s, m: Membership, *, limited=False, since=dt.date(2025, 1, 1), self_supporting=False):
    """Set a member's capacity flags as the clerk (A-07)."""
    return set_capacity(s, org(s), m, limited=limited, limited_basis="法院认定" if limited else None,
                        limited_since=since if limited else None, self_supporting=self_supporting,
                        self_supporting_basis="劳动合同" if self_supporting else None,
                        actor=user(s, "clerk"), today=TODAY)


def representatives(s, n: int = 25, *, elected_on=dt.date(2024, 1, 10), first_household: int = 700):
    """``n`` new adult members of 东柳庄村 elected as its representative assembly (A-08)."""
    members = adults(s, org(s), n, first_household=first_household)
    text = "\n".join(m.person.id_number for m in members)
    return elect(s, org(s), elected_on=elected_on, members=text, actor=user(s, "clerk"), today=TODAY)
