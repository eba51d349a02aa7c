"""Typed SQLAlchemy 2.0 models, one module per aggregate."""
from registry.models.areas import Area, AreaLevel, Organization
from registry.models.assembly import (
    CapacityFlag,
    Representative,
    RepresentativeAssembly,
    ResolutionBasis,
    ResolutionMember,
)
from registry.models.audit import AuditEvent
from registry.models.base import Base
from registry.models.charter import CharterSettings
from registry.models.filings import Filing, FilingItem
from registry.models.holidays import Holiday
from registry.models.homesteads import Homestead
from registry.models.hukou_feed import HukouFeedImport, HukouHint
from registry.models.land import Circulation, CirculationParcel, CoHolder, LandContract, Parcel
from registry.models.lifecycle import Dispute, EqualityFlag, NonMemberGrant
from registry.models.logins import LoginFailure
from registry.models.memberships import Membership, Objection, PublicNotice, Resolution
from registry.models.people import Household, HouseholdMember, HukouRecord, Person
from registry.models.rights_review import RightsReview
from registry.models.shares import DividendLine, DividendRound, ShareCertificate, ShareHolding
from registry.models.statements import RightsStatement
from registry.models.transfers import Transfer
from registry.models.users import User

__all__ = [
    "Area", "AreaLevel", "AuditEvent", "Base", "CharterSettings", "Filing", "FilingItem", "Holiday", "Homestead",
    "Household",
    "HouseholdMember", "HukouRecord", "Membership", "Objection", "Organization", "Person",
    "PublicNotice", "Resolution", "RightsReview", "RightsStatement", "User",
    "Dispute", "EqualityFlag", "NonMemberGrant", "LoginFailure",
    "LandContract", "Parcel", "CoHolder", "Circulation", "CirculationParcel",
    "DividendLine", "DividendRound", "ShareCertificate", "ShareHolding",
    "CapacityFlag", "Representative", "RepresentativeAssembly", "ResolutionBasis", "ResolutionMember",
    "Transfer",
    "HukouFeedImport", "HukouHint",
]
