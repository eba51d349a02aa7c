"""QA: at a 1280 px wide window the clerk's top bar overflowed (退出登录 cut off, the page 1362 px wide). The
bar wraps instead: no page is wider than the window and the logout button is inside it, for every role."""
from __future__ import annotations

import pytest

WIDTH = 1280


@pytest.mark.parametrize("username", ["clerk", "town", "district"])
def test_the_top_bar_fits_a_1280_px_window(desk, clock, username):
    person = desk(username)
    page = person.page
    page.goto("/")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    logout = page.get_by_role("button", name="退出登录").bounding_box()
    assert logout is not None and logout["x"] >= 0 and logout["x"] + logout["width"] <= WIDTH, logout
    person.shot("topbar-1280")
