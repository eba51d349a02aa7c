"""Village roster screens and area overviews through HTTP: scope (404), roles (403), ID masking,
search by name / ID tail / full ID, status filter, pagination, member detail with the hukou box."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from registry.extensions import db
from tests.conftest import make_id

V1, V2, V_OTHER_TOWN = "370305100201", "370305100202", "370305102201"
ROSTER = f"/villages/{V1}/roster"


def names_in(html: str) -> list[str]:
    """Member names in the roster table, in order (links to the member detail)."""
    return re.findall(r'/members/\d+">([^<]+)</a>', html)


@pytest.fixture
def family(add_member):
    """Household 0001 in 东柳庄村: head 张建国, wife 李秀英 (hukou moved out, still a member), son 张伟
    (pending); household 0002: 王芳 (hukou in the village)."""
    head = add_member(V1, "张建国", make_id(birth="19650312", seq="011"), relation="02", hukou_in_org=True,
                      hukou_place="山东省淄博市临淄区齐都镇东柳庄村")
    wife = add_member(V1, "李秀英", make_id(birth="19680520", seq="022"), relation="10", hukou_in_org=False,
                      hukou_place="山东省淄博市张店区", retention_flags="married_out_no_other_membership")
    son = add_member(V1, "张伟", make_id(birth="19900101", seq="031"), relation="20", status="pending",
                     ground="birth")
    other = add_member(V1, "王芳", make_id(birth="19750808", seq="042"), household="0002", relation="02",
                       hukou_in_org=True)
    return {"head": head, "wife": wife, "son": son, "other": other}


def test_roster_lists_columns_with_code_labels(login_as, family):
    html = login_as("clerk").get(ROSTER).get_data(as_text=True)
    assert names_in(html) == ["张建国", "李秀英", "张伟", "王芳"]  # by household, head first
    row = re.search(r"<tr>\s*<td class=\"mono\">0001</td>.*?</tr>", html, re.DOTALL).group(0)
    for cell in ("张建国", "男", "户主", "正式成员", "改革确认", "是", "未备案"):
        assert cell in row, cell
    wife_row = re.search(r"<tr>(?:(?!</tr>).)*李秀英.*?</tr>", html, re.DOTALL).group(0)
    assert "配偶" in wife_row and "女" in wife_row
    assert "正式成员" in wife_row and ">否<" in wife_row  # hukou elsewhere, still a member (H-01)
    son_row = re.search(r"<tr>(?:(?!</tr>).)*张伟.*?</tr>", html, re.DOTALL).group(0)
    assert "待确认" in son_row and "出生" in son_row and "子" in son_row
    assert "共 4 条" in html


def test_clerk_of_the_village_sees_full_ids(login_as, family):
    html = login_as("clerk").get(ROSTER).get_data(as_text=True)
    assert family["head"].person.id_number in html
    assert "已部分隐藏" not in html


@pytest.mark.parametrize("user", ["town", "district", "admin"])
def test_town_and_district_see_masked_ids(login_as, family, user):
    number = family["head"].person.id_number
    client = login_as(user)
    for url in (ROSTER, f"/villages/{V1}/members/{family['head'].id}"):
        html = client.get(url).get_data(as_text=True)
        assert number not in html, url
        assert number[:6] + "********" + number[-4:] in html, url
    assert "证件号码已部分隐藏" in client.get(ROSTER).get_data(as_text=True)


@pytest.mark.parametrize("tail_len", [4, 5, 6])
def test_search_by_id_tail_finds_the_right_person(login_as, add_member, tail_len):
    target = add_member(V1, "赵一", make_id(birth="19800101", seq="123"), household="0001")
    # Same last 3 characters, different 4th-from-last: must not match.
    decoy = add_member(V1, "钱二", make_id(birth="19800102", seq="023"), household="0002")
    tail = target.person.id_number[-tail_len:]
    assert not decoy.person.id_number.endswith(tail)
    html = login_as("town").get(ROSTER, query_string={"q": tail}).get_data(as_text=True)
    assert names_in(html) == ["赵一"]


def test_search_by_tail_with_lowercase_x_and_full_width_digits(login_as, add_member):
    seq = next(s for s in (f"{n:03d}" for n in range(1, 200)) if make_id(seq=s).endswith("X"))
    person = add_member(V1, "孙三", make_id(seq=seq))
    tail = person.person.id_number[-4:]
    client = login_as("clerk")
    assert names_in(client.get(ROSTER, query_string={"q": tail.lower()}).get_data(as_text=True)) == ["孙三"]
    full_width = tail[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    assert names_in(client.get(ROSTER, query_string={"q": full_width}).get_data(as_text=True)) == ["孙三"]


def test_search_by_full_id_and_by_name(login_as, family):
    client = login_as("town")
    html = client.get(ROSTER, query_string={"q": family["wife"].person.id_number}).get_data(as_text=True)
    assert names_in(html) == ["李秀英"]
    assert names_in(client.get(ROSTER, query_string={"q": "张"}).get_data(as_text=True)) == ["张建国", "张伟"]
    assert names_in(client.get(ROSTER, query_string={"q": " 秀英 "}).get_data(as_text=True)) == ["李秀英"]
    assert names_in(client.get(ROSTER, query_string={"q": "%"}).get_data(as_text=True)) == []  # LIKE escaped


def test_ambiguous_number_is_refused_with_a_hint(login_as, family):
    html = login_as("clerk").get(ROSTER, query_string={"q": "19650312"}).get_data(as_text=True)
    assert "请输入姓名、证件号码后4–6位或完整证件号码" in html
    assert names_in(html) == []


def test_status_filter(login_as, family):
    client = login_as("clerk")
    assert names_in(client.get(ROSTER, query_string={"status": "pending"}).get_data(as_text=True)) == ["张伟"]
    html = client.get(ROSTER, query_string={"status": "confirmed", "q": "张"}).get_data(as_text=True)
    assert names_in(html) == ["张建国"]
    assert "未知的成员状态" in client.get(ROSTER, query_string={"status": "bogus"}).get_data(as_text=True)


def test_other_villages_members_are_not_listed(login_as, family, add_member):
    add_member(V2, "外村人", make_id(seq="777"))
    assert "外村人" not in login_as("town").get(ROSTER).get_data(as_text=True)


def test_pagination_50_per_page_keeps_the_search(login_as, add_member):
    for i in range(60):
        add_member(V1, f"成员{i:02d}", make_id(seq=f"{100 + i:03d}"), household=f"{i + 1:04d}")
    client = login_as("clerk")
    page1 = client.get(ROSTER, query_string={"q": "成员"}).get_data(as_text=True)
    assert len(names_in(page1)) == 50 and "共 60 条" in page1 and "第 1 / 2 页" in page1
    assert "page=2" in page1 and "q=%E6%88%90%E5%91%98" in page1
    page2 = client.get(ROSTER, query_string={"q": "成员", "page": 2}).get_data(as_text=True)
    assert names_in(page2) == [f"成员{i:02d}" for i in range(50, 60)]

def test_page_beyond_the_end_shows_the_last_page(login_as, add_member):
    """QA: ``?page=99999`` read "第 99999 / 2 页" over an empty table; a huge number gave a 500."""
    for i in range(60):
        add_member(V1, f"成员{i:02d}", make_id(seq=f"{100 + i:03d}"), household=f"{i + 1:04d}")
    client = login_as("clerk")
    last = [f"成员{i:02d}" for i in range(50, 60)]
    for page in ("9", "99999", "99999999999999999999"):
        resp = client.get(ROSTER, query_string={"page": page})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, page
        assert names_in(html) == last and "第 2 / 2 页" in html, page
    for page in ("0", "-3", "x"):
        html = client.get(ROSTER, query_string={"page": page}).get_data(as_text=True)
        assert "第 1 / 2 页" in html and len(names_in(html)) == 50, page


def test_roster_query_count_does_not_grow_with_rows(app, login_as, add_member):
    client = login_as("town")
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def run() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(ROSTER).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    add_member(V1, "甲", make_id(seq="501"), hukou_in_org=True)
    few = run()
    for i in range(30):
        add_member(V1, f"乙{i}", make_id(seq=f"{600 + i}"), household=f"{i + 2:04d}", hukou_in_org=True)
    assert run() == few, statements


def test_filing_state_of_filed_versions_is_shown(login_as, family):
    from registry.models import Filing, FilingItem

    org_id = family["head"].organization_id
    town_filed = Filing(organization_id=org_id, version_no=1, state="town_filed", area_code=V1)
    town_filed.items = [FilingItem(membership_id=family["head"].id, data={}),
                        FilingItem(membership_id=family["wife"].id, data={})]
    district_filed = Filing(organization_id=org_id, version_no=2, state="district_filed", area_code=V1)
    district_filed.items = [FilingItem(membership_id=family["head"].id, data={})]
    db.session.add_all([town_filed, district_filed])
    db.session.commit()
    html = login_as("town").get(ROSTER).get_data(as_text=True)
    states = dict(re.findall(r'/members/\d+">([^<]+)</a>.*?class="badge filing-(\w+)"', html, re.DOTALL))
    assert states == {"张建国": "district_filed", "李秀英": "town_filed", "张伟": "unfiled", "王芳": "unfiled"}
    detail = login_as("town").get(f"/villages/{V1}/members/{family['wife'].id}").get_data(as_text=True)
    assert "乡镇已备案" in detail


def test_filing_state_comes_from_the_filings_service(login_as, family, monkeypatch):
    from registry.views import roster

    monkeypatch.setattr(roster, "filing_states", lambda org_id: {family["head"].id: "district_filed",
                                                                 family["wife"].id: "town_filed"})
    html = login_as("clerk").get(ROSTER).get_data(as_text=True)
    # F-02: a member is 已备案 only once both the town and the district have recorded the filing.
    badges = re.findall(r'class="badge filing-\w+">([^<]+)<', html)
    assert sorted(b.strip() for b in badges) == ["乡镇已备案", "已备案", "未备案", "未备案"], badges


# --- scope and roles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("user,url", [
    ("clerk", f"/villages/{V2}/roster"),  # sibling village, same town
    ("clerk", f"/villages/{V_OTHER_TOWN}/roster"),
    ("town2", ROSTER),  # 皇城镇 officer, 齐都镇 village
    ("town", f"/villages/{V_OTHER_TOWN}/roster"),
    ("district", "/villages/370305999201/roster"),  # unknown village
    ("district", "/villages/370305100000/roster"),  # a town code is not a village
    ("town2", "/towns/370305100000"),
    ("town", "/towns/370305102000"),
    ("district", "/towns/370305100201"),  # a village code is not a town
])
def test_outside_scope_is_404(login_as, user, url):
    assert login_as(user).get(url).status_code == 404


@pytest.mark.parametrize("user,url", [
    ("clerk", "/towns/370305100000"),
    ("clerk", "/district"),
    ("town", "/district"),
])
def test_wrong_role_is_403(login_as, user, url):
    assert login_as(user).get(url).status_code == 403


def test_member_of_another_village_is_404_under_this_village(login_as, add_member):
    outsider = add_member(V2, "北槐人", make_id(seq="888"))
    client = login_as("district")
    assert client.get(f"/villages/{V1}/members/{outsider.id}").status_code == 404
    assert client.get(f"/villages/{V2}/members/{outsider.id}").status_code == 200
    assert login_as("clerk").get(f"/villages/{V2}/members/{outsider.id}").status_code == 404


# --- member detail ------------------------------------------------------------------------------------

def test_member_detail_shows_person_household_membership_and_hukou_box(login_as, family):
    wife = family["wife"]
    html = login_as("clerk").get(f"/villages/{V1}/members/{wife.id}").get_data(as_text=True)
    assert "李秀英" in html and wife.person.id_number in html and "1968-05-20" in html
    assert "正式成员" in html and "改革确认" in html and "婚出未取得他处成员身份" in html
    household = html.split("<h2>户", 1)[1].split("</section>", 1)[0]
    assert household.index("张建国") < household.index("李秀英") < household.index("张伟")
    assert "户主" in household and "配偶" in household
    assert f'/members/{family["head"].id}"' in household  # links to the other household members
    assert "王芳" not in household
    hukou = html.split('class="card card-info hukou"', 1)[1].split("</section>", 1)[0]
    assert "户籍信息（仅作记录，不影响成员身份）" in hukou and "H-01" in hukou
    assert "山东省淄博市张店区" in hukou and "当前" in hukou


def test_member_detail_without_hukou_or_household(login_as, add_member):
    m = add_member(V1, "无户人", make_id(seq="999"), household=None)
    html = login_as("clerk").get(f"/villages/{V1}/members/{m.id}").get_data(as_text=True)
    assert "未登记所属集体户" in html and "未登记户籍信息" in html


# --- overviews ----------------------------------------------------------------------------------------

def test_town_overview_counts_per_village(login_as, family, add_member):
    add_member(V2, "北槐人", make_id(seq="888"))
    html = login_as("town").get("/towns/370305100000").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*东柳庄村.*?</tr>", html, re.DOTALL).group(0)
    # confirmed, pending, ended, in dispute, households
    assert re.findall(r'class="num">(\d+)<', row) == ["3", "1", "0", "0", "2"]
    assert f'href="/villages/{V1}/roster"' in html
    assert "后杨家村" not in html  # another town's village


def test_district_overview_lists_all_towns_and_villages(login_as, family):
    html = login_as("district").get("/district").get_data(as_text=True)
    for name in ("闻韶街道", "齐都镇", "皇城镇", "金山镇", "东柳庄村", "后杨家村"):
        assert name in html
    assert 'href="/towns/370305100000"' in html
    town_row = re.search(r"<tr>(?:(?!</tr>).)*齐都镇</a>.*?</tr>", html, re.DOTALL).group(0)
    assert re.findall(r'class="num">(\d+)<', town_row)[:3] == ["4", "3", "1"]  # villages, confirmed, pending
