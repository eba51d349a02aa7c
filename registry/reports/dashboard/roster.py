"""Dashboard figures of the roster (issue 12 item 1): filing progress (F-02) and pending filings, members,
households, the sex × age-band pyramid, acquisition grounds, members whose hukou is outside the village
and who kept their membership (H-01, H-02), and endings by ground and year (M-09)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, and_, case, cast, exists, extract, false, func, select
from sqlalchemy.orm import aliased

from registry.models import Filing, Household, HukouRecord, Membership, Organization, Person
from registry.reports.dashboard.core import VILLAGE_COLUMN, Column, Ctx, Dim, Spec

#: Filing progress of a village: the furthest step any of its roster versions reached (F-02: a filing is
#: complete when both the town and the district recorded it).
PROGRESS = ("district_filed", "town_filed", "town_review", "in_progress", "none")
PENDING_STATES = ("town_review", "town_filed")  # waiting for the town, or for the district's receipt
#: Ten-year age bands as of the dashboard's day; "unknown" without a birth date.
AGE_BANDS = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+", "unknown")
#: Where the hukou of a member went (H-01: information only): a town (进城落户), a school (就学 flag),
#: the army (服役 flag), another village (a place naming a 村), anywhere else.
HUKOU_DESTINATIONS = ("town", "school", "army", "village", "other")
ACTIVE = "confirmed"
ENDED = ("lost", "withdrawn")


def _unit_dim(ctx: Ctx) -> Dim:
    return Dim(ctx.unit)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band(ctx: Ctx):
    """CASE over the birth date against cut-off dates: age < n exactly when born after ``today − n years``."""
    birth = Person.birth_date
    whens = [(birth.is_(None), "unknown")]
    whens += [(birth > _years_before(ctx.today, upper), band)
              for band, upper in zip(AGE_BANDS[:8], range(10, 90, 10), strict=True)]
    return case(*whens, else_="80+")


def _year_dim(column) -> Dim:
    """Year of a date column; filtered as a date range (portable, index-friendly)."""
    def clause(value: str):
        if not (value.isdigit() and len(value) == 4):
            return false()
        year = int(value)
        return and_(column >= dt.date(year, 1, 1), column < dt.date(year + 1, 1, 1))
    return Dim(func.coalesce(cast(extract("year", column), Integer), 0), clause)


def villages(ctx: Ctx) -> Spec:
    """Villages (organisations) by filing progress."""
    rank = case((Filing.state == "district_filed", 4), (Filing.state == "town_filed", 3),
                (Filing.state == "town_review", 2), else_=1)
    best = select(Filing.organization_id.label("org_id"), func.max(rank).label("r")) \
        .group_by(Filing.organization_id).subquery()
    progress = case((best.c.r == 4, "district_filed"), (best.c.r == 3, "town_filed"), (best.c.r == 2, "town_review"),
                    (best.c.r == 1, "in_progress"), else_="none")
    base = (select(Organization.id).select_from(Organization)
            .outerjoin(best, best.c.org_id == Organization.id).where(ctx.in_scope))
    return Spec(base, Organization.id, {"unit": _unit_dim(ctx), "progress": Dim(progress)},
                [VILLAGE_COLUMN, Column("Organisation", Organization.name),
                 Column("Filing progress", progress, "dim:progress")],
                [Organization.area_code])


def pending_filings(ctx: Ctx) -> Spec:
    """Roster versions waiting for an officer: under town review, or recorded by the town and waiting for
    the district (F-02); ``oldest`` is the earliest submission."""
    base = (select(Filing.id).select_from(Filing).join(Organization, Organization.id == Filing.organization_id)
            .where(ctx.in_scope, Filing.state.in_(PENDING_STATES)))
    return Spec(base, Filing.id, {"unit": _unit_dim(ctx), "stage": Dim(Filing.state)},
                [VILLAGE_COLUMN, Column("Organisation", Organization.name),
                 Column("Version", Filing.version_no), Column("State", Filing.state, "dim:stage"),
                 Column("Submitted", Filing.submitted_at, "submitted")],
                [Filing.submitted_at, Filing.id], oldest=Filing.submitted_at)


def _members_base(ctx: Ctx, *where):
    return (select(Membership.id).select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(Person, Person.id == Membership.person_id).where(ctx.in_scope, *where))


def _member_columns(*extra: Column) -> list[Column]:
    return [VILLAGE_COLUMN, Column("Name", Person.name),
            Column("ID number", Person.id_number, "masked_id"), Column("Sex", Person.sex, "dim:sex"),
            Column("Year of birth", Person.birth_date, "birth_year"), *extra]


def members(ctx: Ctx) -> Spec:
    """Active members (正式成员) by unit, sex, age band and acquisition ground."""
    dims = {"unit": _unit_dim(ctx), "sex": Dim(func.coalesce(Person.sex, "0")), "band": Dim(age_band(ctx)),
            "ground": Dim(func.coalesce(Membership.acquisition_ground, "unknown"))}
    return Spec(_members_base(ctx, Membership.status == ACTIVE), Membership.id, dims,
                _member_columns(Column("Acquisition ground", dims["ground"].expr, "dim:ground")),
                [Organization.area_code, Person.name_pinyin, Membership.id])


def households(ctx: Ctx) -> Spec:
    """Collective households with at least one active member."""
    active = exists().where(Membership.household_id == Household.id, Membership.status == ACTIVE)
    base = (select(Household.id).select_from(Household)
            .join(Organization, Organization.id == Household.organization_id).where(ctx.in_scope, active))
    members_n = (select(func.count(Membership.id)).where(Membership.household_id == Household.id,
                                                         Membership.status == ACTIVE).scalar_subquery())
    return Spec(base, Household.id, {"unit": _unit_dim(ctx)},
                [VILLAGE_COLUMN, Column("Household no.", Household.number),
                 Column("Active members", members_n)],
                [Organization.area_code, Household.number])


def hukou_out(ctx: Ctx) -> Spec:
    """Active members whose current hukou record says "not in the village" (kept: H-01, H-02), by where
    the hukou went."""
    later = aliased(HukouRecord)
    newest = ~exists().where(later.person_id == HukouRecord.person_id, later.valid_to.is_(None),
                             later.id > HukouRecord.id)
    flags = Membership.retention_flags
    destination = case((HukouRecord.moved_to_town.is_(True), "town"), (flags.contains("study"), "school"),
                       (flags.contains("military"), "army"), (HukouRecord.place.contains("村"), "village"),
                       else_="other")
    base = (_members_base(ctx, Membership.status == ACTIVE)
            .join(HukouRecord, HukouRecord.person_id == Membership.person_id)
            .where(HukouRecord.valid_to.is_(None), HukouRecord.in_organization.is_(False), newest))
    return Spec(base, Membership.id, {"unit": _unit_dim(ctx), "dest": Dim(destination)},
                _member_columns(Column("Hukou place", HukouRecord.place),
                                Column("Hukou moved", HukouRecord.moved_at, "date"),
                                Column("Destination", destination, "dim:dest")),
                [Organization.area_code, Person.name_pinyin, Membership.id])


def endings(ctx: Ctx) -> Spec:
    """Ended memberships (丧失, 自愿退出) by ground and year of the ending (M-09, M-18)."""
    dims = {"unit": _unit_dim(ctx), "loss": Dim(func.coalesce(Membership.loss_ground, "unknown")),
            "year": _year_dim(Membership.lost_at)}
    return Spec(_members_base(ctx, Membership.status.in_(ENDED)), Membership.id, dims,
                _member_columns(Column("Loss ground", dims["loss"].expr, "dim:loss"),
                                Column("Ended on", Membership.lost_at, "date")),
                [Membership.lost_at, Organization.area_code, Membership.id])
