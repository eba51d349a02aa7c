"""``flask charter-settings --village CODE [--set key=value …] [--article TEXT] [--json]`` (DOMAIN §8):
shows the settings in force, changes them citing the article, refuses the law's floors (A-04, F-04)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from registry.models import AuditEvent, CharterSettings

V1 = "370305100201"


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock


def run(runner, *args):
    return runner.invoke(args=["charter-settings", "--village", V1, *args])


def test_defaults_as_json(runner, demo):
    result = run(runner, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["settings_id"] is None and data["confirmation_threshold"] == "2/3"
    assert data["art15_threshold"] == "3/4" and data["notice_working_days"] == 7
    assert data["holder_unit"] == "household" and data["management"] == "static"
    assert data["holding_cap_percent"] == "3" and data["reserve_rate"] == "0.3"
    assert data["share_types"]["collective"] == {"weight": "1", "counts_in_divisor": False}


def test_A04_set_a_raised_threshold_with_the_article(runner, db, demo):
    result = run(runner, "--set", "confirmation_threshold=3/4", "--set", "share_types.farm_age.weight=0.5",
                 "--article", "章程第二十条", "--effective", "2026-01-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["confirmation_threshold"] == "3/4" and data["article"] == "章程第二十条"
    assert data["valid_from"] == "2026-01-01" and data["share_types"]["farm_age"]["weight"] == "0.5"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter.updated"))
    assert event.actor_id is None and event.detail["changes"]["confirmation_threshold"] == {"old": "2/3", "new": "3/4"}
    text = run(runner).output
    assert "章程第二十条" in text and "成员身份确认表决比例" in text and "3/4" in text


@pytest.mark.parametrize("assignment,rule", [("confirmation_threshold=1/2", "A-04"),
                                             ("art15_threshold=0.7", "A-04"),
                                             ("notice_working_days=5", "F-04")])
def test_A04_F04_below_the_law_refused(runner, db, demo, assignment, rule):
    result = run(runner, "--set", assignment, "--article", "章程第二十条")
    assert result.exit_code == 1 and f"[{rule}]" in result.output
    assert db.session.scalar(select(CharterSettings)) is None


def test_article_required_and_bad_pairs(runner, demo):
    result = run(runner, "--set", "notice_working_days=10")
    assert result.exit_code == 1 and "章程条款" in result.output
    assert run(runner, "--set", "notice_working_days").exit_code == 2
    assert runner.invoke(args=["charter-settings", "--village", "370305999999"]).exit_code == 1
