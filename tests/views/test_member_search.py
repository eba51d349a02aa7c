"""Member search over the user's area (GET /search): a name from its first character, the last 4–6 ID
characters or the full ID number; scope by division code; IDs masked except for the village's clerk (and
then audited); status filter; 50 per page; input errors as messages, never a 500."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from registry.models import AuditEvent
from tests.conftest import make_id

V1, V2, V_OUT = "370305100201", "370305100202", "370305102201"  # 东柳庄村, 北槐村 (齐都镇); 后杨家村 (皇城镇)
ID_V1, ID_V2, ID_OUT, ID_SUBSTRING = (make_id(seq=s) for s in ("011", "023", "035", "047"))


def names_in(html: str) -> list[str]:
    """Names in the result table, in order (each links to the member page)."""
    return re.findall(r'/members/\d+">([^<]+)</a>', html)


def search(client, q: str | None = None, **args) -> str:
    resp = client.get("/search", query_string={**({"q": q} if q is not None else {}), **args})
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


@pytest.fixture
def people(demo, add_member):
    return {
        "v1": add_member(V1, "王建国", ID_V1, household="0001"),
        "v2": add_member(V2, "王建华", ID_V2, household="0007", status="pending", ground="birth"),
        "out": add_member(V_OUT, "王建军", ID_OUT, household="0001"),
        "substring": add_member(V1, "李王建", ID_SUBSTRING, household="0002"),
    }


# --- scope ------------------------------------------------------------------------------------------------

def test_town_sees_its_villages_and_never_another_town(login_as, people):
    html = search(login_as("town"), "王")
    assert names_in(html) == ["王建国", "王建华"]  # by pinyin: wangjianguo < wangjianhua (issue 13)
    assert "王建军" not in html and ID_OUT[-4:] not in html
    assert names_in(search(login_as("town"), ID_OUT)) == []  # not even by its full number
    assert names_in(search(login_as("town2"), "王")) == ["王建军"]


def test_clerk_sees_only_the_own_village(login_as, people):
    client = login_as("clerk")
    assert names_in(search(client, "王")) == ["王建国"]
    assert names_in(search(client, ID_V2)) == []
    assert names_in(search(client, ID_V2[-4:])) == []


@pytest.mark.parametrize("user", ["district", "admin"])
def test_district_and_admin_search_the_whole_district(login_as, people, user):
    # by pinyin (wangjianguo < wangjianhua < wangjianjun), not by code point (军 < 华 < 国)
    assert names_in(search(login_as(user), "王建")) == ["王建国", "王建华", "王建军"]


def test_anonymous_is_sent_to_the_login_page(client, demo):
    resp = client.get("/search", query_string={"q": "王"})
    assert resp.status_code == 302 and resp.location.startswith("/login")


# --- kinds of search ----------------------------------------------------------------------------------------

def test_name_matches_from_its_first_character_only(login_as, people):
    client = login_as("district")
    assert names_in(search(client, "王建国")) == ["王建国"]
    assert "李王建" not in search(client, "王建")
    assert names_in(search(client, "建国")) == []  # not a substring search
    assert names_in(search(client, " 李王 ")) == ["李王建"]


def test_name_followed_by_a_character_outside_the_bmp_is_found(login_as, add_member, demo):
    add_member(V1, "王𠮷", make_id(seq="061"))  # U+20BB7 sorts after U+FFFF in code-point order
    add_member(V1, "阿依古丽·买买提", make_id(seq="073"), household="0002")
    client = login_as("clerk")
    assert names_in(search(client, "王")) == ["王𠮷"]
    assert names_in(search(client, "阿依古丽.买")) == ["阿依古丽·买买提"]  # separator variants as stored
    assert names_in(search(client, "阿依古丽・")) == ["阿依古丽·买买提"]  # typed up to the separator


@pytest.mark.parametrize("tail_len", [4, 5, 6])
def test_id_tail(login_as, people, tail_len):
    html = search(login_as("district"), ID_V2[-tail_len:])
    assert names_in(html) == ["王建华"]


def test_tail_ending_in_x_typed_in_lower_case(login_as, add_member, demo):
    seq = next(s for s in (f"{n:03d}" for n in range(100, 300)) if make_id(seq=s).endswith("X"))
    add_member(V2, "孙三", make_id(seq=seq))
    assert names_in(search(login_as("town"), make_id(seq=seq)[-4:].lower())) == ["孙三"]


def test_full_id_and_legacy_15_digit_number(login_as, people):
    client = login_as("district")
    assert names_in(search(client, ID_V1)) == ["王建国"]
    assert names_in(search(client, ID_V1.lower())) == ["王建国"]
    legacy = ID_V1[:6] + ID_V1[8:17]  # the 15-digit form: 2-digit year, no check character
    assert names_in(search(client, legacy)) == ["王建国"]


def test_person_with_two_memberships_is_listed_once_per_village(login_as, add_member, demo):
    number = make_id(seq="081")
    add_member(V1, "周迁", number, status="lost", loss_ground="death", lost_at=dt.date(2025, 1, 1))
    add_member(V2, "周迁", number, household="0003")
    html = search(login_as("town"), "周迁")
    assert names_in(html) == ["周迁", "周迁"]
    assert "东柳庄村" in html and "北槐村" in html and "已丧失" in html


# --- what a row shows ----------------------------------------------------------------------------------------

def test_row_shows_village_household_status_and_links_to_the_member_page(login_as, people):
    client = login_as("town")
    html = search(client, "王建华")
    row = re.search(r"<tr>(?:(?!</tr>).)*王建华.*?</tr>", html, re.DOTALL).group(0)
    for cell in ("齐都镇", "北槐村", "0007", "待确认", masked(ID_V2)):
        assert cell in row, cell
    link = re.search(r'href="(/villages/\d+/members/\d+)"', row).group(1)
    assert link == f"/villages/{V2}/members/{people['v2'].id}"
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("user", ["town", "district", "admin"])
def test_officers_see_masked_ids_and_leave_no_audit_event(login_as, db, people, user):
    html = search(login_as(user), "王")
    assert masked(ID_V1) in html and ID_V1 not in html
    assert "证件号码已部分隐藏" in html
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view.search_full_ids")).all()


def test_clerk_sees_full_ids_and_the_view_is_audited_without_the_search_text(login_as, db, people):
    html = search(login_as("clerk"), ID_V1)
    assert ID_V1 in html and "证件号码已部分隐藏" not in html
    db.session.expire_all()
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view.search_full_ids")).all()
    assert event.area_code == V1 and event.actor_id is not None
    assert event.detail["rows"] == 1 and event.detail["kind"] == "id"
    assert ID_V1 not in str(event.detail)


def test_status_filter(login_as, people):
    client = login_as("town")
    assert names_in(search(client, "王", status="pending")) == ["王建华"]
    assert names_in(search(client, "王", status="confirmed")) == ["王建国"]
    assert "未知的成员状态" in search(client, "王", status="bogus")


# --- pagination -----------------------------------------------------------------------------------------------

def test_fifty_per_page_with_a_next_page_link(login_as, add_member, demo):
    for i in range(60):
        add_member(V2, f"张{i:02d}", make_id(seq=f"{100 + i:03d}"), household=f"{i + 1:04d}")
    client = login_as("town")
    first = search(client, "张", status="confirmed")
    assert names_in(first) == [f"张{i:02d}" for i in range(50)]
    next_link = re.search(r'href="([^"]*page=2[^"]*)">下一页', first).group(1).replace("&amp;", "&")
    assert "q=" in next_link and "status=confirmed" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert names_in(second) == [f"张{i:02d}" for i in range(50, 60)]
    assert "下一页" not in second and "上一页" in second
    beyond = search(client, "张", page=9)
    assert names_in(beyond) == [] and "本页已没有更多结果" in beyond
    assert names_in(search(client, "张", page="x")) == names_in(first)
    assert search(client, "张", page="99999999999999999999")  # clamped, no overflow


def test_one_page_has_no_pagination_links(login_as, people):
    html = search(login_as("district"), "王")
    assert "下一页" not in html and "上一页" not in html


# --- input ------------------------------------------------------------------------------------------------------

def test_blank_search_shows_the_form_only(login_as, people):
    client = login_as("town")
    for html in (search(client), search(client, "  "), search(client, "", status="confirmed")):
        assert "<table" not in html and 'name="q"' in html
        assert "没有符合条件的成员" not in html


def test_nothing_found_says_so(login_as, people):
    html = search(login_as("district"), "欧阳")
    assert "<table" not in html and "没有符合条件的成员" in html


@pytest.mark.parametrize(("q", "message"), [
    ("王" * 61, "最多 60 个字符"),
    ("!!!", "姓名只能包含文字和间隔号"),
    ("%", "姓名只能包含文字和间隔号"),
    ("王1", "姓名只能包含文字和间隔号"),
    ("1234567", "请输入姓名、证件号码后4–6位或完整证件号码"),
    ("123", "请输入姓名、证件号码后4–6位或完整证件号码"),
])
def test_invalid_input_is_a_message(login_as, people, q, message):
    html = search(login_as("district"), q)
    assert message in html and "<table" not in html


def test_nav_links_to_the_search_for_every_role(login_as, demo):
    for user in ("clerk", "town", "district", "admin"):
        html = login_as(user).get("/search").get_data(as_text=True)
        assert 'href="/search"' in html and "成员查询" in html


def test_status_without_a_search_text_says_what_to_enter(login_as):
    client = login_as("town")
    html = client.get("/search?q=&status=pending").get_data(as_text=True)
    assert "请输入姓名或证件号码" in html
