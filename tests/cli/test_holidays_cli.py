"""``flask --app registry load-holidays FILE`` (F-05): the holiday calendar is maintained data."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from registry.models import Holiday


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Holiday))


def test_load_holidays_adds_a_year_and_updates_known_dates(runner, db, demo, tmp_path):
    before = _count(db)
    path = tmp_path / "2027.csv"
    path.write_text("date,is_workday,name\n2027-01-01,0,元旦\n2027-02-06,1,春节调休上班\n"
                    "2026-10-01,0,国庆节（更正）\n", encoding="utf-8")
    result = runner.invoke(args=["load-holidays", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 2 条，更新 1 条，无变化 0 条" in result.output
    assert "已维护年份：2025、2026、2027" in result.output
    assert _count(db) == before + 2
    assert db.session.get(Holiday, dt.date(2027, 2, 6)).is_workday is True
    assert db.session.get(Holiday, dt.date(2026, 10, 1)).name == "国庆节（更正）"
    again = runner.invoke(args=["load-holidays", str(path)])
    assert "新增 0 条，更新 0 条，无变化 3 条" in again.output


def test_load_holidays_refuses_a_bad_file_whole(runner, db, demo, tmp_path):
    before = _count(db)
    path = tmp_path / "bad.csv"
    path.write_text("date,is_workday,name\n2027-01-01,0,元旦\n2027-02-30,0,不存在\n", encoding="utf-8")
    result = runner.invoke(args=["load-holidays", str(path)])
    assert result.exit_code == 1
    assert "第 3 行" in result.output and "未导入任何数据" in result.output
    assert _count(db) == before


def test_init_db_loads_the_shipped_calendar_without_demo(runner, db):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    years = {d.year for d in db.session.scalars(select(Holiday.day))}
    assert years == {2025, 2026}
