"""Typed SQLAlchemy 2.0 models, one module per aggregate."""
from registry.models.areas import Area, AreaLevel, Organization
from registry.models.audit import AuditEvent
from registry.models.base import Base
from registry.models.filings import Filing, FilingItem
from registry.models.holidays import Holiday
from registry.models.lifecycle import Dispute, EqualityFlag, NonMemberGrant
from registry.models.logins import LoginFailure
from registry.models.memberships import Membership, Objection, PublicNotice, Resolution
from registry.models.people import Household, HouseholdMember, HukouRecord, Person
from registry.models.users import User

__all__ = [
    "Area", "AreaLevel", "AuditEvent", "Base", "Filing", "FilingItem", "Holiday", "Household",
    "HouseholdMember", "HukouRecord", "Membership", "Objection", "Organization", "Person",
    "PublicNotice", "Resolution", "User",
    "Dispute", "EqualityFlag", "NonMemberGrant", "LoginFailure",
]
