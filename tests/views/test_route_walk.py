"""Route walk (DESIGN habit 7): every endpoint in ``app.url_map`` refuses anonymous users (302 to the
login page), the wrong role (403), another area (404), and a POST without a CSRF token (400).

HOW TO REGISTER A ROUTE — every endpoint (except ``static``) must have an entry in ``ROUTES`` below,
or ``test_every_endpoint_is_in_the_table`` fails and names it::

    "blueprint.endpoint": Route(
        roles={CLERK},                  # roles allowed; every other role must get 403
        inside={"code": V1},            # URL args the allowed demo users may open
        outside={"code": V_OUT},        # the same URL in another area: clerk and town users get 404;
                                        #   leave out (None) when the URL carries no area
        ok=(200,),                      # status of an allowed GET inside; None = don't check
    ),
    "auth.login": PUBLIC,               # open to anonymous users (only the CSRF check applies)

``inside``/``outside`` are dicts or callables ``(w: World) -> dict`` when they need records (a
membership id, a filing id…): add a helper to ``World`` that creates one in a given village.

Demo users (tests/conftest.py ``demo``): clerk of 东柳庄村 ``V1``, town officer of 齐都镇 ``T1`` (V1's
town), district and admin. ``inside`` must be inside all their scopes (use V1 / T1); ``outside`` must be
outside both the clerk's and the town officer's scope (use 皇城镇 ``T_OUT`` / its village ``V_OUT``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import request_started, url_for
from sqlalchemy import select

from registry import create_app
from registry.extensions import db as _db
from registry.models import User
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN
from tests import dbtest
from tests.conftest import _fresh_g, make_id

ALL = frozenset({CLERK, TOWN, DISTRICT, ADMIN})
ABOVE_VILLAGE = frozenset({TOWN, DISTRICT, ADMIN})
V1, T1 = "370305100201", "370305100000"  # 齐都镇东柳庄村, 齐都镇
V_OUT, T_OUT = "370305102201", "370305102000"  # 皇城镇后杨家村, 皇城镇
NO_TOKEN = "0" * 32  # a well-formed upload token that was never issued
DEMO_USER = {CLERK: "clerk", TOWN: "town", DISTRICT: "district", ADMIN: "admin"}
AREA_SCOPED = (CLERK, TOWN)  # district and admin see every area, so they have no "other area"

Args = dict | Callable[["World"], dict] | None


@dataclass(frozen=True)
class Route:
    roles: frozenset[str]
    inside: Args = None
    outside: Args = None
    ok: tuple[int, ...] | None = (200,)
    public: bool = False


PUBLIC = Route(roles=ALL, public=True, ok=None)


class World:
    """Example records for URL arguments; each helper creates what it returns."""

    def __init__(self, add_member):
        self._add_member = add_member
        self._seq = 100

    def membership(self, village_code: str) -> int:
        self._seq += 1
        return self._add_member(village_code, "路由测试", make_id(seq=f"{self._seq:03d}")).id

    def household(self, village_code: str) -> dict:
        """URL args of a household (0001, created with a member on first use)."""
        self.membership(village_code)
        return {"code": village_code, "number": "0001"}

    def user_id(self, username: str) -> int:
        """Id of a demo user (user administration URLs)."""
        return _db.session.scalar(select(User.id).where(User.username == username))

    def filing(self, village_code: str) -> int:
        """The village's open (draft) roster filing, created on first use (one open filing per village)."""
        from registry.models import Filing
        from registry.services.areas import organization_for_village

        org = organization_for_village(_db.session, village_code)
        filing = _db.session.scalar(select(Filing).where(Filing.organization_id == org.id))
        if filing is None:
            filing = Filing(organization_id=org.id, version_no=1, state="draft", area_code=village_code)
            _db.session.add(filing)
            _db.session.commit()
        return filing.id


    def dividend_round(self, village_code: str) -> dict:
        """URL args of a draft dividend round of the village (issue 16), stored directly."""
        import datetime as dt
        from decimal import Decimal

        from registry.models.shares import DividendRound
        from registry.services.areas import organization_for_village

        org = organization_for_village(_db.session, village_code)
        zero = Decimal(0)
        rnd = DividendRound(organization_id=org.id, area_code=village_code, title="路由测试",
                            record_date=dt.date(2026, 1, 1), net_income=zero, reserve_rate=Decimal("0.3"),
                            reserve=zero, distributable=zero, total_units=zero,
                            rounding_mode="largest_remainder", algorithm_version="S-12/1",
                            holder_unit="household", source="roster", state="draft")
        _db.session.add(rnd)
        _db.session.commit()
        return {"code": village_code, "round_id": rnd.id}

    def certificate(self, village_code: str) -> dict:
        """URL args of a share certificate of household 0001 (issue 16)."""
        from registry.models import Household
        from registry.models.shares import ShareCertificate

        self.membership(village_code)
        in_village = Household.organization.has(area_code=village_code)
        household = _db.session.scalar(select(Household).where(Household.number == "0001", in_village))
        self._seq += 1
        cert = ShareCertificate(organization_id=household.organization_id, area_code=village_code,
                                number=f"路由{self._seq}", household_id=household.id, status="issued")
        _db.session.add(cert)
        _db.session.commit()
        return {"code": village_code, "certificate_id": cert.id}

    def transfer(self, village_code: str) -> dict:
        """URL args of a draft share transfer of household 0001 (issue 11), stored directly."""
        import datetime as dt
        from decimal import Decimal

        from registry.models import Household, Transfer
        from registry.services.areas import organization_for_village

        self.membership(village_code)
        org = organization_for_village(_db.session, village_code)
        household = _db.session.scalar(select(Household).where(Household.organization_id == org.id,
                                                               Household.number == "0001"))
        t = Transfer(organization_id=org.id, area_code=village_code, type="share_transfer", state="draft",
                     household_from_id=household.id, share_type="population", units=Decimal(1),
                     price=Decimal(0), agreement_date=dt.date(2026, 1, 1))
        _db.session.add(t)
        _db.session.commit()
        return {"code": village_code, "transfer_id": t.id}


# ---- THE TABLE: one entry per endpoint -------------------------------------------------------------
ROUTES: dict[str, Route] = {
    # auth, main, roster
    "auth.login": PUBLIC,
    "auth.logout": Route(roles=ALL, ok=None),
    "main.index": Route(roles=ALL, ok=(302,)),
    "main.town_overview": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    "main.district_overview": Route(roles=frozenset({DISTRICT, ADMIN})),
    "roster.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "roster.member": Route(
        roles=ALL,
        inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
        outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)},
    ),
    # imports
    "imports.upload": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "imports.apply": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                           outside={"code": V_OUT, "token": NO_TOKEN}),
    # needs a stored upload to answer 200; the made-up token gives 404 (covered by the imports tests)
    "imports.error_workbook": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                                    outside={"code": V_OUT, "token": NO_TOKEN}, ok=None),
    # filings: the village page and the clerk's actions
    "filings.village": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "review.changes": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    # the filing is checked before the flag, so any flag id shows the area rule
    "review.acknowledge_flag": Route(roles=frozenset({TOWN}),
                                     inside=lambda w: {"filing_id": w.filing(V1), "flag_id": 999999},
                                     outside=lambda w: {"filing_id": w.filing(V_OUT), "flag_id": 999999}),
    **{f"filings.{name}": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT})
       for name in ("start_notice", "add_objection", "record_resolution", "confirm", "submit", "reopen")},
    # the village is checked before the objection, so any objection id shows the area rule
    "filings.resolve": Route(roles=frozenset({CLERK}), inside={"code": V1, "objection_id": 999999},
                             outside={"code": V_OUT, "objection_id": 999999}),
    # filings: inboxes, detail and the officers' actions
    "filings.town_inbox": Route(roles=frozenset({TOWN})),
    "filings.district_inbox": Route(roles=frozenset({DISTRICT, ADMIN})),
    "filings.detail": Route(roles=ALL, inside=lambda w: {"filing_id": w.filing(V1)},
                            outside=lambda w: {"filing_id": w.filing(V_OUT)}),
    "filings.record": Route(roles=frozenset({TOWN}), inside=lambda w: {"filing_id": w.filing(V1)},
                            outside=lambda w: {"filing_id": w.filing(V_OUT)}),
    "filings.return_filing": Route(roles=frozenset({TOWN}), inside=lambda w: {"filing_id": w.filing(V1)},
                                   outside=lambda w: {"filing_id": w.filing(V_OUT)}),
    "filings.receive": Route(roles=frozenset({DISTRICT}), inside=lambda w: {"filing_id": w.filing(V1)},
                             outside=lambda w: {"filing_id": w.filing(V_OUT)}),
    "imports.template": Route(roles=ALL),  # the empty template: any signed-in user, no area
    "imports.area_template": Route(roles=ALL),  # the same with the 村代码 column (town/district import)
    "imports.homestead_template": Route(roles=ALL),  # the homestead register template (issue 13)
    "imports.share_template": Route(roles=ALL),  # the share register template (issue 13)
    "imports.land_template": Route(roles=ALL),  # the land contract register template (issue 13)
    # town / district roster import (issue 5): officers only (the administrator reads); town or district code
    "area_imports.upload": Route(roles=frozenset({TOWN, DISTRICT}), inside={"code": T1}, outside={"code": T_OUT}),
    "area_imports.apply": Route(roles=frozenset({TOWN, DISTRICT}), inside={"code": T1, "token": NO_TOKEN},
                                outside={"code": T_OUT, "token": NO_TOKEN}),
    # needs a stored upload to answer 200; the made-up token gives 404 (covered by the area import tests)
    "area_imports.error_workbook": Route(roles=frozenset({TOWN, DISTRICT}), inside={"code": T1, "token": NO_TOKEN},
                                         outside={"code": T_OUT, "token": NO_TOKEN}, ok=None),
    # charter settings (issue 16): everyone in scope reads, the district officer or administrator changes
    "charter.show": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "charter.update": Route(roles=frozenset({DISTRICT, ADMIN}), inside={"code": V1}, outside={"code": V_OUT},
                            ok=None),
    # membership changes (issue 3): the clerk acts, everyone in scope reads
    "members.add": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    **{f"members.{name}": Route(roles=frozenset({CLERK}),
                                inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                                outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)})
       for name in ("end", "withdrawal", "rejection", "flags", "hukou", "move")},
    # the member assembly (issue 14): the base, a resolution's frozen basis, representatives, capacity flags
    "assembly.base": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    # the village is checked before the resolution, so any resolution id shows the area rule
    "assembly.resolution": Route(roles=ALL, inside={"code": V1, "resolution_id": 999999},
                                 outside={"code": V_OUT, "resolution_id": 999999}, ok=(404,)),
    "assembly.representatives": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "assembly.elect_representatives": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "assembly.declaration": Route(roles=frozenset({CLERK}),
                                  inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                                  outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)}),
    "assembly.settings": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "assembly.save_settings": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "assembly.capacity": Route(roles=frozenset({CLERK}),
                               inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                               outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)}),
    "grants.resolutions": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "grants.record": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "grants.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "grants.create": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "disputes.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "disputes.open_": Route(roles=frozenset({CLERK}),
                            inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                            outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)}),
    # the village is checked before the dispute, so any dispute id shows the area rule
    **{f"disputes.{name}": Route(roles=frozenset({CLERK}), inside={"code": V1, "dispute_id": 999999},
                                 outside={"code": V_OUT, "dispute_id": 999999}) for name in ("stage", "close")},
    "history.as_of": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "history.as_of_xlsx": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "households.detail": Route(roles=ALL, inside=lambda w: w.household(V1), outside=lambda w: w.household(V_OUT)),
    **{f"households.{name}": Route(roles=frozenset({CLERK}), inside=lambda w: w.household(V1),
                                   outside=lambda w: w.household(V_OUT)) for name in ("split", "head")},
    # land contract register (issue 15): the clerk imports and changes, everyone in scope reads
    "land.upload": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "land.apply": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                        outside={"code": V_OUT, "token": NO_TOKEN}),
    "land.error_workbook": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                                 outside={"code": V_OUT, "token": NO_TOKEN}, ok=None),
    "land.household": Route(roles=ALL, inside=lambda w: w.household(V1), outside=lambda w: w.household(V_OUT)),
    "land.member": Route(roles=ALL, inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                         outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)}),
    "land.village_rights": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "land.town_rights": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    "land.district_rights": Route(roles=frozenset({DISTRICT, ADMIN})),
    # the village is checked before the contract, so any contractor code shows the area rule
    **{f"land.{name}": Route(roles=frozenset({CLERK}), inside={"code": V1, "contractor_code": V1 + "010001"},
                             outside={"code": V_OUT, "contractor_code": V_OUT + "010001"})
       for name in ("extend", "certificate", "add_circulation", "add_coholder", "end_contract")},
    "land.change_parcel": Route(roles=frozenset({CLERK}), inside={"code": V1, "parcel_id": 999999},
                                outside={"code": V_OUT, "parcel_id": 999999}),
    "land.end_coholder": Route(roles=frozenset({CLERK}), inside={"code": V1, "coholder_id": 999999},
                               outside={"code": V_OUT, "coholder_id": 999999}),
    "land.end_parcel": Route(roles=frozenset({CLERK}), inside={"code": V1, "parcel_id": 999999},
                             outside={"code": V_OUT, "parcel_id": 999999}),
    # exports
    "exports.index": Route(roles=ABOVE_VILLAGE),
    # W-07 (issue 14): every role, any level of area inside its scope
    "equality.w07": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "equality.w07_xlsx": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "exports.roster": Route(roles=ABOVE_VILLAGE, inside={"code": V1}, outside={"code": V_OUT}),
    "exports.summary": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    # issue 13 item 4: the land register export (full ID numbers: the district only); an export job's file
    "exports.land": Route(roles=frozenset({DISTRICT}), inside={"code": V1}, outside={"code": V_OUT}),
    "exports.job_download": Route(roles=ABOVE_VILLAGE, inside={"job_id": NO_TOKEN}, ok=(404,)),
    # homestead register (issue 15); a made-up record id answers 404 inside (covered by the homestead tests)
    "homesteads.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "homesteads.new": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    **{f"homesteads.{name}": Route(roles=frozenset({CLERK}), inside={"code": V1, "homestead_id": 999999},
                                   outside={"code": V_OUT, "homestead_id": 999999}, ok=None)
       for name in ("edit", "end")},
    "homesteads.summary": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "homesteads.export": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "homestead_imports.upload": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "homestead_imports.apply": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                                     outside={"code": V_OUT, "token": NO_TOKEN}),
    "homestead_imports.error_workbook": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                                              outside={"code": V_OUT, "token": NO_TOKEN}, ok=None),
    "homestead_imports.reviews": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "homestead_imports.close": Route(roles=frozenset({CLERK}), inside={"code": V1, "review_id": 999999},
                                     outside={"code": V_OUT, "review_id": 999999}),
    # audit log (issue 4): district users, no area in the URL
    "audit.index": Route(roles=frozenset({DISTRICT, ADMIN})),
    # the administrator's holiday calendar (issue 13); the district's, so no area in the URL
    "calendar.index": Route(roles=frozenset({ADMIN})),
    "calendar.apply": Route(roles=frozenset({ADMIN}), inside={"token": NO_TOKEN}),
    # user administration (issue 13): the administrator's; the own password page is everyone's
    "users.index": Route(roles=frozenset({ADMIN})),
    "users.new": Route(roles=frozenset({ADMIN})),
    "users.edit": Route(roles=frozenset({ADMIN}), inside=lambda w: {"user_id": w.user_id("clerk")}),
    "users.change_role": Route(roles=frozenset({ADMIN}), inside=lambda w: {"user_id": w.user_id("clerk")}),
    "users.reset": Route(roles=frozenset({ADMIN}), inside=lambda w: {"user_id": w.user_id("clerk")}),
    "users.active": Route(roles=frozenset({ADMIN}), inside=lambda w: {"user_id": w.user_id("clerk")}),
    "users.password": Route(roles=ALL),
    # a job's progress: its starter's only (a made-up id is 404 for everyone; tests/views/test_jobs_views.py)
    "jobs.show": Route(roles=ALL, inside={"job_id": NO_TOKEN}, ok=(404,)),
    "jobs.state": Route(roles=ALL, inside={"job_id": NO_TOKEN}, ok=(404,)),
    # member search over the user's own area (no area in the URL: the scope filters the results)
    "search.members": Route(roles=ALL),
    # shares and dividends (issue 16)
    "shares.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "shares.report": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "shares.upload": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "shares.apply": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                          outside={"code": V_OUT, "token": NO_TOKEN}),
    "shares.error_workbook": Route(roles=frozenset({CLERK}), inside={"code": V1, "token": NO_TOKEN},
                                   outside={"code": V_OUT, "token": NO_TOKEN}, ok=None),
    "shares.export": Route(roles=frozenset({CLERK, DISTRICT}), inside={"code": V1}, outside={"code": V_OUT}),
    "shares.household": Route(roles=ALL, inside=lambda w: w.household(V1),
                              outside=lambda w: w.household(V_OUT)),
    "shares.certificate": Route(roles=ALL, inside=lambda w: w.certificate(V1),
                                outside=lambda w: w.certificate(V_OUT)),
    "shares.change": Route(roles=frozenset({CLERK}), inside=lambda w: w.certificate(V1),
                           outside=lambda w: w.certificate(V_OUT)),
    "dividends.index": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "dividends.create": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    **{f"dividends.{name}": Route(roles=ALL, inside=lambda w: w.dividend_round(V1),
                                  outside=lambda w: w.dividend_round(V_OUT))
       for name in ("detail", "payment_sheet", "print_sheet")},
    "dividends.act": Route(roles=frozenset({CLERK, TOWN}),
                           inside=lambda w: {**w.dividend_round(V1), "action": "cancel"},
                           outside=lambda w: {**w.dividend_round(V_OUT), "action": "cancel"}),
    # issue 12: rights statement (clerk, town, district in scope) and the public /verify page
    "statements.issue": Route(roles=frozenset({CLERK, TOWN, DISTRICT}),
                              inside=lambda w: {"code": V1, "membership_id": w.membership(V1)},
                              outside=lambda w: {"code": V_OUT, "membership_id": w.membership(V_OUT)}),
    "statements.show": Route(roles=frozenset({CLERK, TOWN, DISTRICT}), inside={"code": V1, "statement_id": 999999},
                             outside={"code": V_OUT, "statement_id": 999999}, ok=None),
    "statements.verify": Route(roles=ALL, public=True, ok=None, inside={"code": "UNKNOWNCODE"}),
    # rights transactions (issue 11): the clerk drafts and consents/withdraws, the town records/returns/rejects
    "transfers.new": Route(roles=frozenset({CLERK}), inside={"code": V1}, outside={"code": V_OUT}),
    "transfers.detail": Route(roles=ALL, inside=lambda w: w.transfer(V1), outside=lambda w: w.transfer(V_OUT)),
    "transfers.act_on": Route(roles=frozenset({CLERK, TOWN}), inside=lambda w: {**w.transfer(V1), "action": "withdraw"},
                              outside=lambda w: {**w.transfer(V_OUT), "action": "withdraw"}, ok=None),
    "transfer_register.register": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "transfer_register.export": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    "transfer_register.pending": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    # issue 12: the officers' dashboard (own area, or any area in scope) and its drill-down lists
    "dashboard.home": Route(roles=ABOVE_VILLAGE, ok=(302,)),
    "dashboard.show": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    "dashboard.drill": Route(roles=ABOVE_VILLAGE, inside={"code": T1, "figure": "members"},
                             outside={"code": T_OUT, "figure": "members"}),
    # the hukou change feed (issue 12 item 6): town and district officers import; everyone in scope reads hints
    "hukou_feed.upload": Route(roles=frozenset({TOWN, DISTRICT}), inside={"code": T1}, outside={"code": T_OUT}),
    "hukou_feed.apply": Route(roles=frozenset({TOWN, DISTRICT}), inside={"code": T1, "token": NO_TOKEN},
                              outside={"code": T_OUT, "token": NO_TOKEN}, ok=None),
    # the area is checked before the import record, so any id shows the area rule
    "hukou_feed.result": Route(roles=ABOVE_VILLAGE, inside={"code": T1, "import_id": 999999},
                               outside={"code": T_OUT, "import_id": 999999}, ok=(404,)),
    "hukou_feed.hints": Route(roles=ALL, inside={"code": V1}, outside={"code": V_OUT}),
    **{f"hukou_feed.{name}": Route(roles=frozenset({CLERK}), inside={"code": V1, "hint_id": 999999},
                                   outside={"code": V_OUT, "hint_id": 999999}, ok=None)
       for name in ("review", "confirm")},
    # issue 12 item 3: statistical reports (town, district, administrator; as the summary and export pages)
    "reports.index": Route(roles=ABOVE_VILLAGE, inside={"code": T1}, outside={"code": T_OUT}),
    **{f"reports.{name}": Route(roles=ABOVE_VILLAGE, inside={"code": T1, "name": "members"},
                                outside={"code": T_OUT, "name": "members"}) for name in ("show", "download")},
    "reports.records": Route(roles=ABOVE_VILLAGE, inside={"code": T1, "name": "members", "cell": f"{V1}:members"},
                             outside={"code": T_OUT, "name": "members", "cell": f"{V_OUT}:members"}),
    # issue 12 item 4: the print views of a roster version and the PDF of every print view
    **{f"printing.{name}": Route(roles=ALL, inside=lambda w: {"filing_id": w.filing(V1)},
                                 outside=lambda w: {"filing_id": w.filing(V_OUT)})
       for name in ("notice_sheet", "notice_sheet_pdf", "record_form", "record_form_pdf")},
    "printing.statement_pdf": Route(roles=frozenset({CLERK, TOWN, DISTRICT}),
                                    inside={"code": V1, "statement_id": 999999},
                                    outside={"code": V_OUT, "statement_id": 999999}, ok=None),
    "printing.certificate_pdf": Route(roles=ALL, inside=lambda w: w.certificate(V1),
                                      outside=lambda w: w.certificate(V_OUT)),
    "printing.payment_sheet_pdf": Route(roles=ALL, inside=lambda w: w.dividend_round(V1),
                                        outside=lambda w: w.dividend_round(V_OUT)),
}
# -----------------------------------------------------------------------------------------------------

METHODS_CHECKED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _rule(app, endpoint: str):
    rules = list(app.url_map.iter_rules(endpoint))
    assert rules, f"{endpoint} is in ROUTES but not registered"
    return rules[0]


def _methods(app, endpoint: str) -> list[str]:
    return [m for m in METHODS_CHECKED if m in _rule(app, endpoint).methods]


def _url(app, endpoint: str, args: Args, world: World) -> str:
    if callable(args):
        args = args(world)
    with app.test_request_context():
        return url_for(endpoint, **(args or {}))


def _log_in(client, role: str) -> None:
    """Log the client in as the demo user of ``role`` (session set directly; login is tested in test_auth)."""
    user = _db.session.scalar(select(User).where(User.username == DEMO_USER[role]))
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()  # "<id>:<session version>"
        session["_fresh"] = True


@pytest.fixture
def world(demo, add_member):
    return World(add_member)


def test_every_endpoint_is_in_the_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - ROUTES.keys())
    stale = sorted(ROUTES.keys() - endpoints)
    assert not missing, ("endpoints without a ROUTES entry in tests/views/test_route_walk.py "
                         f"(see the module docstring): {missing}")
    assert not stale, f"ROUTES entries for endpoints that no longer exist: {stale}"


ENDPOINTS = sorted(ROUTES)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_sent_to_login(app, client, world, endpoint):
    route = ROUTES[endpoint]
    if route.public:
        return
    url = _url(app, endpoint, route.inside, world)
    for method in _methods(app, endpoint):
        resp = client.open(url, method=method)
        assert resp.status_code == 302, f"{method} {url} → {resp.status_code}"
        assert resp.location.startswith("/login"), f"{method} {url} → {resp.location}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_wrong_role_is_403(app, client, world, endpoint):
    route = ROUTES[endpoint]
    if route.public:
        return
    url = _url(app, endpoint, route.inside, world)
    for role in sorted(ALL - route.roles):
        _log_in(client, role)
        for method in _methods(app, endpoint):
            status = client.open(url, method=method).status_code
            assert status == 403, f"{role}: {method} {url} → {status}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_other_area_is_404(app, client, world, endpoint):
    route = ROUTES[endpoint]
    if route.public or route.outside is None:
        return
    url = _url(app, endpoint, route.outside, world)
    for role in AREA_SCOPED:
        if role not in route.roles:
            continue
        _log_in(client, role)
        for method in _methods(app, endpoint):
            status = client.open(url, method=method).status_code
            assert status == 404, f"{role}: {method} {url} → {status}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_allowed_roles_get_in(app, client, world, endpoint):
    route = ROUTES[endpoint]
    if route.ok is None or "GET" not in _methods(app, endpoint):
        return
    url = _url(app, endpoint, route.inside, world)
    for role in sorted(route.roles):
        _log_in(client, role)
        status = client.get(url).status_code
        assert status in route.ok, f"{role}: GET {url} → {status}"


@pytest.fixture
def csrf_world(app, add_member):
    """A second app with CSRF protection on (its own in-memory database with the demo district).
    While it is pushed, ``db.session`` and ``add_member`` work on its database."""
    from registry.services.demo import load_demo

    csrf_app = create_app("testing", WTF_CSRF_ENABLED=True)
    request_started.connect(_fresh_g, csrf_app)
    with csrf_app.app_context():
        dbtest.current().prepare(_db)
        load_demo(_db.session)
        _db.session.commit()
        yield csrf_app, World(add_member)
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.parametrize("endpoint", ENDPOINTS)  # endpoints without POST pass trivially
def test_post_without_csrf_token_is_400(csrf_world, endpoint):
    csrf_app, world = csrf_world
    if "POST" not in _rule(csrf_app, endpoint).methods:
        return
    route = ROUTES[endpoint]
    client = csrf_app.test_client()
    url = _url(csrf_app, endpoint, route.inside, world)
    resp = client.post(url)
    assert resp.status_code == 400, f"anonymous POST {url} → {resp.status_code}"
    for role in sorted(route.roles):
        _log_in(client, role)
        resp = client.post(url)
        assert resp.status_code == 400, f"{role}: POST {url} without a token → {resp.status_code}"
        resp = client.post(url, data={"csrf_token": "forged"})
        assert resp.status_code == 400, f"{role}: POST {url} with a forged token → {resp.status_code}"
    assert "表单已过期或无效" in resp.get_data(as_text=True)
