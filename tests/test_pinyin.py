"""Pinyin of names (issue 13 item 3): initials and full pinyin, polyphonic surnames, sort order; search by
pinyin on the village roster and the district member search."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import Person
from registry.pinyin import is_pinyin_query, name_pinyin
from tests.conftest import make_id


@pytest.mark.parametrize("name, full, initials", [
    ("王秀兰", "wangxiulan", "wxl"),
    ("单雄信", "shanxiongxin", "sxx"),     # 单 as a surname is shàn, not dān
    ("曾国强", "zengguoqiang", "zgq"),     # zēng, not céng
    ("解建军", "xiejianjun", "xjj"),       # xiè, not jiě
    ("区志强", "ouzhiqiang", "ozq"),       # ōu, not qū
    ("仇英", "qiuying", "qy"),             # qiú, not chóu
    ("长孙无忌", "zhangsunwuji", "zswj"),  # compound surname
    ("吕布", "lvbu", "lb"),                # ü typed as v
    ("阿依达娜·努尔兰", "ayidananuerlan", "aydnnel"),  # the middle dot is not spelled
    ("", "", ""),
])
def test_name_pinyin(name, full, initials):
    assert name_pinyin(name) == (full, initials)


def test_given_name_keeps_its_own_reading():
    # Only the leading surname is read as a surname: 单 inside a given name keeps pypinyin's reading.
    assert name_pinyin("王单").full == "wangdan"


def test_pinyin_sorts_names_like_a_chinese_dictionary():
    names = ["张伟", "陈静", "安丽", "白雪"]
    assert sorted(names, key=lambda n: name_pinyin(n).full) == ["安丽", "白雪", "陈静", "张伟"]
    assert sorted(names) != ["安丽", "白雪", "陈静", "张伟"]  # code-point order is not pinyin order


@pytest.mark.parametrize("text, expected", [("wxl", True), ("Wang Xiulan", True), ("王xl", False),
                                            ("1234", False), ("", False), ("w1", False)])
def test_is_pinyin_query(text, expected):
    assert is_pinyin_query(text) is expected


def test_person_keeps_pinyin_in_step_with_its_name(db, demo, add_member):
    member = add_member("370305100201", "单雄信", make_id(birth="19700101", seq="011"))
    person = db.session.get(Person, member.person_id)
    assert (person.name_pinyin, person.name_initials) == ("shanxiongxin", "sxx")
    person.name = "曾国强"
    db.session.commit()
    assert db.session.scalar(select(Person.name_initials).where(Person.id == person.id)) == "zgq"


@pytest.fixture
def village(db, demo, add_member):
    people = {"王秀兰": make_id(birth="19610101", seq="002"), "王建国": make_id(birth="19850101", seq="013"),
              "张伟": make_id(birth="19900101", seq="015"), "安丽": make_id(birth="19920101", seq="004"),
              "陈静": make_id(birth="19880101", seq="006"), "白雪": make_id(birth="19950101", seq="008")}
    for k, (name, number) in enumerate(people.items()):
        add_member("370305100201", name, number, household=f"{k + 1:04d}")
    return people


def _names(html: str, candidates) -> list[str]:
    """The candidates found in the page's result table (the hint above it names 王秀兰 as an example)."""
    table = html[html.find("<table"):html.rfind("</table>")] if "<table" in html else ""
    return [n for n in candidates if n in table]


def test_roster_search_by_initials_and_full_pinyin(login_as, village):
    client = login_as("clerk")
    page = client.get("/villages/370305100201/roster?q=wxl").get_data(as_text=True)
    assert _names(page, village) == ["王秀兰"]
    page = client.get("/villages/370305100201/roster?q=wang").get_data(as_text=True)
    assert set(_names(page, village)) == {"王秀兰", "王建国"}
    page = client.get("/villages/370305100201/roster?q=Wang%20Xiulan").get_data(as_text=True)
    assert _names(page, village) == ["王秀兰"]


def test_district_search_by_pinyin_sorted_by_pinyin(login_as, village):
    client = login_as("district")
    page = client.get("/search?q=w").get_data(as_text=True)
    assert set(_names(page, village)) == {"王秀兰", "王建国"}
    # Within one answer the hits are in pinyin order (王建国 wangjianguo < 王秀兰 wangxiulan).
    everyone = []
    for initial in ("a", "b", "c", "w", "z"):
        html = client.get(f"/search?q={initial}").get_data(as_text=True)
        table = html[html.find("<table"):]
        everyone += sorted(_names(html, village), key=table.index)
    assert everyone == ["安丽", "白雪", "陈静", "王建国", "王秀兰", "张伟"]


def test_search_ignores_punctuation_pasted_around_a_name(login_as, village):
    """A name pasted with the comma after it (王秀兰，) is found like the name alone."""
    client = login_as("district")
    assert _names(client.get("/search?q=王秀兰，").get_data(as_text=True), village) == ["王秀兰"]
    clerk = login_as("clerk")
    assert _names(clerk.get("/villages/370305100201/roster?q=、王秀兰。").get_data(as_text=True), village) == ["王秀兰"]
