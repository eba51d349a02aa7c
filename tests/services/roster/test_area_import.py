"""Town / district roster import (issue 5): one workbook with a 村代码 column, each row to its village,
households per village, same codes and the same all-or-nothing rule as the village import."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from registry.excel.reader import read_roster
from registry.excel.roster.validate import display_values, validate_roster
from registry.excel.writer import write_roster_xlsx
from registry.models import AuditEvent, Filing, Household, HouseholdMember, Membership, Person
from registry.services.areas import area_by_code, organization_for_village
from registry.services.roster.area_import import import_area_roster
from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES

V1, V2, V_OUT = "370305100201", "370305100202", "370305102201"  # 齐都镇 ×2, 皇城镇


def _rows(code: str, village_code: str | None = None, limit: int | None = None) -> list[dict]:
    check = validate_roster(read_roster((SAMPLES / f"roster_{code}.xlsx").read_bytes()).rows())
    rows = [display_values(r.values) for r in check.rows[:limit]]
    for row in rows:
        row["村代码"] = code if village_code is None else village_code
    return rows


def _workbook(*parts: list[dict]) -> bytes:
    return write_roster_xlsx([row for part in parts for row in part], title="齐都镇成员名册", village_code=True)


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_town_workbook_goes_to_each_village_and_reimports_unchanged(db, demo):
    data = _workbook(_rows(V1), _rows(V2))
    town = area_by_code(db.session, "370305100")
    report = import_area_roster(db.session, data, town, actor=None, filename="town.xlsx")
    db.session.commit()
    assert report.errors == [] and report.committed
    assert (report.rows_read, report.created, report.villages) == (347 + 804, 347 + 804, 2)
    # Household numbers repeat from village to village (both files have 0001): grouped per village.
    assert report.households == 94 + 225
    for code, members, households in ((V1, 347, 94), (V2, 804, 225)):
        org = organization_for_village(db.session, code)
        assert _count(db, Membership, Membership.organization_id == org.id) == members
        assert _count(db, Household, Household.organization_id == org.id) == households
        heads = db.session.scalar(select(func.count()).select_from(HouseholdMember).join(Household).where(
            Household.organization_id == org.id, HouseholdMember.is_head.is_(True)))
        assert heads == households
        assert db.session.scalar(select(Filing.state).where(Filing.organization_id == org.id)) == "draft"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).all()
    assert sorted(e.area_code for e in events) == [V1, V2]

    again = import_area_roster(db.session, data, town, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 347 + 804)
    # The same members through the village import are unchanged too: one service behind both.
    org = organization_for_village(db.session, V1)
    same = import_roster(db.session, (SAMPLES / f"roster_{V1}.xlsx").read_bytes(), org, actor=None)
    assert (same.created, same.updated, same.unchanged) == (0, 0, 347)


def test_rows_outside_the_area_unknown_or_blank_village_are_row_errors(db, demo):
    data = _workbook(_rows(V1, limit=5), _rows(V_OUT, limit=3), _rows(V2, "370305100299", limit=2),
                     _rows(V2, "", limit=1), _rows(V2, "3703051002", limit=1))
    town = area_by_code(db.session, "370305100")
    report = import_area_roster(db.session, data, town, actor=None)
    db.session.commit()
    assert not report.committed and _count(db, Person) == 0
    codes = [e["code"] for e in report.errors if e["column"] == "村代码"]
    assert codes.count("village.outside") == 3
    assert codes.count("village.unknown") == 2
    assert codes.count("village.missing") == 1
    assert codes.count("village.invalid") == 1
    outside = next(e for e in report.errors if e["code"] == "village.outside")
    assert V_OUT in outside["message"] and "齐都镇" in outside["message"]


def test_district_import_accepts_every_town_and_partial_skips_bad_households(db, demo):
    rows_v1 = _rows(V1)
    rows_v1[0]["证件号码"] = "370305197504134315"  # wrong check character in household 0001 of V1
    data = _workbook(rows_v1, _rows(V_OUT))
    district = area_by_code(db.session, "370305")
    report = import_area_roster(db.session, data, district, actor=None, partial=True)
    db.session.commit()
    assert report.committed and report.skipped_households == [f"{V1}/0001"]
    org = organization_for_village(db.session, V1)
    numbers = set(db.session.scalars(select(Household.number).where(Household.organization_id == org.id)))
    assert "0001" not in numbers and len(numbers) == 93
    other = organization_for_village(db.session, V_OUT)
    assert _count(db, Membership, Membership.organization_id == other.id) == 1446


def test_workbook_without_village_code_column_is_a_file_error(db, demo):
    data = (SAMPLES / f"roster_{V1}.xlsx").read_bytes()
    report = import_area_roster(db.session, data, area_by_code(db.session, "370305100"), actor=None)
    assert report.file_error and [e["code"] for e in report.errors] == ["file.missing_column"]
    assert "村代码" in report.errors[0]["message"] and _count(db, Person) == 0


def test_locked_village_refuses_the_whole_file(db, demo):
    org = organization_for_village(db.session, V2)
    db.session.add(Filing(organization_id=org.id, version_no=1, state="town_review", area_code=V2))
    db.session.commit()
    report = import_area_roster(db.session, _workbook(_rows(V1, limit=5), _rows(V2, limit=5)),
                                area_by_code(db.session, "370305100"), actor=None)
    assert report.file_error and report.errors[0]["code"] == "roster.locked"
    assert "北槐村" in report.errors[0]["message"] and _count(db, Person) == 0


@pytest.mark.parametrize("option,code,expected", [
    ("--area", "370305100", 0), ("--area", "370305", 0), ("--area", "370399", "区划不存在"),
])
def test_cli_import_roster_area(runner, demo, tmp_path, option, code, expected):
    path = tmp_path / "town.xlsx"
    path.write_bytes(_workbook(_rows(V1, limit=20), _rows(V2, limit=20)))
    result = runner.invoke(args=["import-roster", str(path), option, code, "--json"])
    if expected == 0:
        assert result.exit_code == 0, result.output
        out = json.loads(result.output.strip().splitlines()[-1])
        assert out["committed"] and out["villages"] == 2
    else:
        assert result.exit_code != 0 and expected in result.output


def test_cli_import_roster_needs_exactly_one_target(runner, demo):
    result = runner.invoke(args=["import-roster", str(SAMPLES / f"roster_{V1}.xlsx")])
    assert result.exit_code == 2 and "--village" in result.output


def test_cli_user_must_cover_the_area(runner, demo, tmp_path):
    path = tmp_path / "town.xlsx"
    path.write_bytes(_workbook(_rows(V1, limit=5)))
    # A village clerk cannot load a whole town; a town officer can load their own town, not another.
    for user, code, ok in (("clerk", "370305100", False), ("town2", "370305100", False), ("town", "370305100", True)):
        result = runner.invoke(args=["import-roster", str(path), "--area", code, "--user", user, "--dry-run"])
        assert (result.exit_code == 0) is ok, result.output
        if not ok:
            assert "管辖范围不包含" in result.output


def test_area_import_audits_each_village_and_dates_nothing_on_dry_run(db, demo):
    data = _workbook(_rows(V1, limit=12), _rows(V2, limit=9))
    town = area_by_code(db.session, "370305100")
    preview = import_area_roster(db.session, data, town, actor=None, dry_run=True)
    assert preview.created == preview.rows_read and not preview.committed and _count(db, Person) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "roster.import") == 0


def _with_village_column(data: bytes, code: str) -> bytes:
    """The workbook with a 村代码 column appended (same rows, same row numbers)."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    header = next(r for r in range(1, 10) if any(c.value == "证件号码" for c in ws[r]))
    col = ws.max_column + 1
    ws.cell(row=header, column=col, value="村代码")
    for r in range(header + 1, ws.max_row + 1):
        if any(c.value not in (None, "") for c in ws[r]):
            ws.cell(row=r, column=col, value=code)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_messy_rows_get_the_same_codes_as_in_a_village_import(db, demo):
    """Same row codes and the same partial rule as the village import (issue 5: "same codes")."""
    village = "370305100203"
    messy = (SAMPLES / "roster_messy.xlsx").read_bytes()
    org = organization_for_village(db.session, village)
    alone = import_roster(db.session, messy, org, actor=None, partial=True, dry_run=True)
    town = area_by_code(db.session, "370305100")
    area = import_area_roster(db.session, _with_village_column(messy, village), town, actor=None,
                              partial=True, dry_run=True)
    assert alone.errors, "the messy sample has error rows"
    def key(items):
        return sorted((i["row"] or 0, i["code"]) for i in items)

    assert key(area.errors) == key(alone.errors)
    assert key(area.warnings) == key(alone.warnings)
    assert area.skipped_households == [f"{village}/{h}" for h in alone.skipped_households]
    assert (area.rows_to_import, area.created) == (alone.rows_to_import, alone.created)


def test_I08_same_person_in_two_villages_of_one_file_is_duplicate_in_file(db, demo):
    rows_v2 = _rows(V2, limit=6)
    first = _rows(V1, limit=6)
    rows_v2[1]["证件号码"] = first[1]["证件号码"]  # a non-head row of each village
    report = import_area_roster(db.session, _workbook(first, rows_v2), area_by_code(db.session, "370305100"),
                                actor=None)
    dup = [e for e in report.errors if e["code"] == "duplicate.in_file"]
    assert len(dup) == 2 and not report.committed and _count(db, Person) == 0


def test_M15_confirmed_member_of_another_village_is_duplicate_other_village(db, demo):
    org = organization_for_village(db.session, V1)
    import_roster(db.session, (SAMPLES / f"roster_{V1}.xlsx").read_bytes(), org, actor=None)
    db.session.commit()
    moved = _rows(V1, V2, limit=4)  # V1's first household listed again under V2
    report = import_area_roster(db.session, _workbook(moved), area_by_code(db.session, "370305"), actor=None)
    assert not report.committed
    assert {e["code"] for e in report.errors} == {"duplicate.other_village"}


def test_M09_only_the_village_clerk_ends_a_membership_by_import(db, demo):
    """A 已丧失 row of a registered member in a town officer's import is ``loss.refused`` in the preview
    (not a failure when applying); the village clerk's own import of the same row ends it."""
    from registry.models import User
    from tests.services.import_helpers import Book, non_head_rows

    org = organization_for_village(db.session, V1)
    assert import_roster(db.session, (SAMPLES / f"roster_{V1}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    book = Book()
    (dead,) = non_head_rows(book, 1)
    book.lose(dead, "死亡", basis="死亡医学证明")
    town_user = db.session.scalar(select(User).where(User.username == "town"))
    town = area_by_code(db.session, "370305100")
    data = _with_village_column(book.bytes(), V1)
    for dry_run in (True, False):
        report = import_area_roster(db.session, data, town, actor=town_user, dry_run=dry_run)
        assert [(e["row"], e["code"]) for e in report.errors] == [(dead, "loss.refused")]
        assert "村文书" in report.errors[0]["message"] and not report.committed
        db.session.rollback()
    clerk = db.session.scalar(select(User).where(User.username == "clerk"))
    report = import_roster(db.session, book.bytes(), org, actor=clerk)
    assert report.committed and report.ended == 1


def test_area_preview_lists_the_changes_of_every_village(db, demo):
    for code in (V1, V2):
        org = organization_for_village(db.session, code)
        assert import_roster(db.session, (SAMPLES / f"roster_{code}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    rows_v1, rows_v2 = _rows(V1), _rows(V2)
    rows_v1[2]["联系电话"], rows_v2[3]["联系电话"] = "13800001111", "13800002222"
    report = import_area_roster(db.session, _workbook(rows_v1, rows_v2), area_by_code(db.session, "370305100"),
                                actor=None, dry_run=True)
    assert (report.updated, report.unchanged) == (2, 347 + 804 - 2)
    phones = sorted(new for c in report.diff["changed"] for heading, _old, new in c["fields"] if heading == "联系电话")
    assert phones == ["13800001111", "13800002222"]


def test_rows_of_no_village_get_only_the_village_code_error(db, demo):
    rows = _rows(V1, limit=6)
    rows[3]["村代码"] = ""  # a member of household 0001 (whose head is row 3) with a blank code
    report = import_area_roster(db.session, _workbook(rows), area_by_code(db.session, "370305100"), actor=None,
                                dry_run=True)
    bad_row = {e["row"] for e in report.errors if e["code"] == "village.missing"}
    assert len(bad_row) == 1
    assert [e["code"] for e in report.errors] == ["village.missing"]


def test_cli_text_report_names_the_villages_and_refuses_a_read_only_user(runner, demo, tmp_path):
    path = tmp_path / "town.xlsx"
    path.write_bytes(_workbook(_rows(V1, limit=5), _rows(V2, limit=5)))
    result = runner.invoke(args=["import-roster", str(path), "--area", "370305100", "--dry-run"])
    assert result.exit_code == 0 and "预览：2 个村，读取 10 行" in result.output and "终止成员身份 0" in result.output
    result = runner.invoke(args=["import-roster", str(path), "--area", "370305100", "--user", "admin"])
    assert result.exit_code != 0 and "管理员只读" in result.output


def test_F09_households_without_errors_leaves_a_village_under_review_out(db, demo):
    org = organization_for_village(db.session, V2)
    db.session.add(Filing(organization_id=org.id, version_no=1, state="town_review", area_code=V2))
    db.session.commit()
    report = import_area_roster(db.session, _workbook(_rows(V1, limit=5), _rows(V2, limit=5)),
                                area_by_code(db.session, "370305100"), actor=None, partial=True)
    db.session.commit()
    assert report.committed and not report.file_error
    assert [e["code"] for e in report.errors] == ["roster.locked"] and "北槐村" in report.errors[0]["message"]
    assert report.skipped_households and all(h.startswith(f"{V2}/") for h in report.skipped_households)
    assert _count(db, Membership, Membership.organization_id == org.id) == 0
    assert _count(db, Membership) == report.created == report.rows_to_import


def test_M25_moving_a_head_out_of_a_household_the_file_does_not_list_refuses_the_file(db, demo):
    org = organization_for_village(db.session, V1)
    assert import_roster(db.session, (SAMPLES / f"roster_{V1}.xlsx").read_bytes(), org, actor=None).committed
    db.session.commit()
    head = next(r for r in _rows(V1) if r["与户主关系"] in ("户主", "本人") and r["户编号"] == "0001")
    head["户编号"] = "0999"  # the head alone, into a new household; the rest of 0001 is not in the file
    report = import_area_roster(db.session, _workbook([head], _rows(V2, limit=5)),
                                area_by_code(db.session, "370305100"), actor=None)
    assert not report.committed and [e["code"] for e in report.errors] == ["household.no_head"]
    assert f"{V1}/0001" in report.errors[0]["message"]
    db.session.rollback()
    assert _count(db, Membership, Membership.organization_id == organization_for_village(db.session, V2).id) == 0
