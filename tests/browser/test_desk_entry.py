"""Issue 13 item 7, data entry in a real browser: the ID number fills birth date and sex; Enter submits;
an act that ends something asks first, and Cancel sends nothing."""
from __future__ import annotations

import datetime as dt

from tests.conftest import make_id

VILLAGE = "370305100201"


def test_id_number_fills_birth_date_and_sex_and_enter_submits(desk, clock):
    clock.set(dt.date(2026, 6, 15))
    clerk = desk("clerk")
    page = clerk.page
    page.goto(f"/villages/{VILLAGE}/members/new")
    number = make_id(birth="19920304", seq="012")  # 2 (even) → female
    page.fill("input[name=id_number]", number)
    assert page.input_value("input[name=birth_date]") == "1992-03-04"
    assert page.input_value("select[name=sex]") == "2"
    clerk.shot("id-filled")
    # A wrong check character fills nothing.
    page.fill("input[name=birth_date]", "")
    page.fill("input[name=id_number]", number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert page.input_value("input[name=birth_date]") == ""
    # Enter in a field submits the form (the server answers with its own checks).
    page.fill("input[name=name]", "测试")
    with page.expect_navigation():
        page.press("input[name=name]", "Enter")
    clerk.shot("submitted-by-enter")


def test_ending_a_membership_asks_first(desk, live_server, clock):
    clock.set(dt.date(2026, 6, 15))
    clerk = desk("clerk")
    page = clerk.page
    page.goto(f"/villages/{VILLAGE}/members/new")
    page.fill("input[name=name]", "王测试")
    page.fill("input[name=id_number]", make_id(birth="19700101", seq="011"))
    page.select_option("select[name=ground]", "reform")
    page.fill("input[name=new_household]", "0099")
    page.select_option("select[name=relation]", "02")
    page.get_by_role("button", name="新增", exact=True).click()
    page.wait_for_load_state()
    member_url = page.url
    clerk.shot("member-added")
    assert "/members/" in member_url, page.inner_text("main")[:1000]
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    end_form = page.locator("form[action$='/end'][data-confirm]")
    end_form.locator("select").first.select_option("death")
    end_form.locator("input[type=date]").first.fill("2026-06-01")
    end_form.get_by_role("button", name="办理丧失").click()
    page.wait_for_timeout(300)
    assert dialogs and "确定办理丧失成员身份吗" in dialogs[0]
    assert page.url == member_url and "已丧失" not in page.inner_text(".page-head")
    clerk.shot("confirm-dismissed")
