"""W-02 through HTTP: the clerk is warned before submitting, the town sees the flags on its review
page, recording is refused until each one is reviewed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import EqualityFlag, Filing
from registry.services.filing import filings as F
from registry.services.membership.changes import add_member, propose_rejection
from tests.services.filing_helpers import org, user
from tests.services.membership_helpers import DECIDED, REFORM_BASE, TODAY, D, decide, filed_roster, new_id

V1 = "370305100201"


@pytest.fixture
def decided(db, demo):
    s = db.session
    o, clerk = org(s), user(s, "clerk")
    members = filed_roster(s, o, clerk)
    bride = add_member(s, o, id_number=new_id(D(1999, 2, 8), "2"), name="赵嫁入", ground="marriage", relation="38",
                       household_id=members[2].household_id, actor=clerk, today=TODAY)
    propose_rejection(s, bride, "外嫁女再婚，不予确认", actor=clerk)
    filing = decide(s, o, clerk, base=REFORM_BASE)
    db.session.commit()
    return filing


def test_W02_marriage_reason_flagged(login_as, decided, db):
    clerk = login_as("clerk")
    html = clerk.get(f"/villages/{V1}/filing/changes").get_data(as_text=True)
    assert "乡镇将进行妇女权益审查（W-02）" in html and 'class="flag-w02"' in html
    F.submit(db.session, decided, actor=user(db.session, "clerk"), today=DECIDED)
    db.session.commit()

    town = login_as("town")
    html = town.get(f"/filings/{decided.id}").get_data(as_text=True)
    assert "妇女权益审查提示（W-02）" in html and "外嫁女再婚，不予确认" in html and "确认已审阅" in html
    resp = town.post(f"/filings/{decided.id}/record")
    assert resp.status_code == 200 and "[W-02]" in resp.get_data(as_text=True)
    flag = db.session.scalar(select(EqualityFlag))
    resp = town.post(f"/filings/{decided.id}/flags/{flag.id}/acknowledge",
                     data={f"flag-{flag.id}-note": "经核实，理由不成立，已要求村重新表决"})
    assert resp.status_code == 302
    assert "已审阅" in town.get(f"/filings/{decided.id}").get_data(as_text=True)
    assert town.post(f"/filings/{decided.id}/record").status_code == 302
    db.session.expire_all()
    assert db.session.get(Filing, decided.id).state == "town_filed"
    # A district officer reads the flags but cannot review them.
    assert login_as("district").post(f"/filings/{decided.id}/flags/{flag.id}/acknowledge").status_code == 403
