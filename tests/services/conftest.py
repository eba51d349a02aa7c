"""Fixtures shared by the membership-lifecycle service tests."""
from __future__ import annotations

import pytest

from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import filed_roster


@pytest.fixture
def s(db, demo):
    return db.session


@pytest.fixture
def clerk(s):
    return user(s, "clerk")


@pytest.fixture
def village(s, clerk):
    """东柳庄村 with a filed reform roster: 3 households of 3 (head, wife, son)."""
    o = org(s)
    return o, filed_roster(s, o, clerk)
