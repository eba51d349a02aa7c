"""The share settings of a collective (DOMAIN §8, S-04, S-06, S-07, S-10, S-11, S-16), read in ONE place.

They come from the collective's charter settings in force on ``day`` (registry/services/charter); a
collective that has recorded none gets :data:`DEFAULT` (the same documented defaults). Every shares and
dividends service reads its settings through this function only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from sqlalchemy.orm import Session

from registry.services.charter import settings_for

HOUSEHOLD, PERSON = "household", "person"  # S-06
STATIC, DYNAMIC = "static", "dynamic"  # S-04
#: S-16 default: a holder who dies during the year takes part in that year's round for the whole year
#: (paid to the heirs); the alternative codes a charter may choose are listed for the settings form.
DEATH_FULL_YEAR = "full_year"
DEATH_TREATMENTS = (DEATH_FULL_YEAR, "pro_rata", "excluded")

SHARE_TYPE_LABELS: Mapping[str, str] = MappingProxyType({
    "population": "人口股", "farm_age": "农龄股", "collective": "集体股", "contribution": "贡献股",
    "other": "其他",
})

_DEFAULT_TYPES: Mapping[str, tuple[Decimal, bool]] = MappingProxyType({
    "population": (Decimal(1), True),
    "farm_age": (Decimal(1), True),
    "collective": (Decimal(1), False),
    "contribution": (Decimal(1), True),
    "other": (Decimal(1), True),
})


@dataclass(frozen=True)
class ShareSettings:
    """``share_types``: code → (weight, counts in the divisor) (S-07); ``holding_cap_percent`` a percentage
    of the organisation's units (S-10); ``reserve_rate`` a fraction of net income (S-11)."""

    holder_unit: str = HOUSEHOLD
    management: str = STATIC
    share_types: Mapping[str, tuple[Decimal, bool]] = field(default_factory=lambda: _DEFAULT_TYPES)
    holding_cap_percent: Decimal = Decimal(3)
    reserve_rate: Decimal = Decimal("0.30")
    death_treatment: str = DEATH_FULL_YEAR

    def weight(self, share_type: str) -> tuple[Decimal, bool]:
        """(weight, counts in the divisor) of a share type; an unknown type weighs 1 and counts."""
        return self.share_types.get(share_type, (Decimal(1), True))


DEFAULT = ShareSettings()


def share_settings(session: Session, organization_id: int, day: dt.date) -> ShareSettings:
    """The share settings of ``organization_id`` in force on ``day``: the charter's, or :data:`DEFAULT`
    when the collective has recorded no charter settings."""
    view = settings_for(session, organization_id, day)
    if view.settings_id is None:
        return DEFAULT
    return ShareSettings(holder_unit=view.holder_unit, management=view.management,
                         share_types=MappingProxyType(dict(view.share_types)),
                         holding_cap_percent=view.holding_cap_percent, reserve_rate=view.reserve_rate,
                         death_treatment=view.death_treatment)
