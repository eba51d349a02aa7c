"""Town or district land register import (issue 15): one workbook for several villages, every row going
to the village its CBFBM / DKBM names, the same checks, plan and bulk apply as a village import, all or
nothing; a village outside the area is ``code.format``; import → re-import is all unchanged."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select

from registry.excel.land.columns import SHEETS
from registry.excel.land.validate import read_land
from registry.excel.land.writer import write_land_xlsx
from registry.excel.reader import Workbook
from registry.models import Area, AuditEvent, Circulation, CoHolder, LandContract, Parcel, Person
from registry.services.land import area_import
from registry.services.land.area_import import import_land_area
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, village
from tests.services.rights_faults import with_cell

TODAY = date(2026, 1, 5)
TOWN, V1, V2, OTHER_TOWN_VILLAGE = "370305100000", "370305100201", "370305100202", "370305102201"


def combined(*codes: str) -> bytes:
    """The clean sample land files of ``codes`` in one workbook (Chinese headings)."""
    rows: dict[str, list] = {spec.key: [] for spec in SHEETS}
    for code in codes:
        sheets = read_land((RIGHTS / f"land_{code}.xlsx").read_bytes())
        for spec in SHEETS:
            for _n, raw in sheets[spec.key].rows():
                rows[spec.key].append([Decimal(str(v)) if isinstance(v, float) else v
                                       for v in (raw.get(c.key) for c in spec.columns.columns)])
    return write_land_xlsx(rows, title="齐都镇承包地台账")


def counts(db) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (LandContract, Parcel, CoHolder, Circulation))


def test_a_town_file_imports_each_village_as_its_own_import_would(db, demo):
    one, two = village(db, V1), village(db, V2)
    data = combined(V1, V2)
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    report = import_land_area(db.session, data, town, actor=None, filename="town.xlsx", today=TODAY)
    assert report.committed and not report.errors, report.errors[:3]
    assert report.villages == 2 and report.unchanged == 0
    db.session.commit()
    by_area = counts(db)
    assert by_area[0] == report.households > 100
    again = import_land_area(db.session, data, town, actor=None, today=TODAY)
    assert again.created == again.updated == 0 and again.unchanged == report.created
    db.session.rollback()
    # each village file on its own into the register the town file wrote: all unchanged
    for org, code in ((one, V1), (two, V2)):
        alone = import_land(db.session, (RIGHTS / f"land_{code}.xlsx").read_bytes(), org, actor=None, today=TODAY)
        assert alone.created == alone.updated == 0 and alone.unchanged == alone.rows_read
        db.session.rollback()


def test_rows_of_a_village_outside_the_area_refuse_the_file_or_are_left_out(db, demo):
    village(db, V1)
    village(db, OTHER_TOWN_VILLAGE)
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    data = combined(V1, OTHER_TOWN_VILLAGE)
    report = import_land_area(db.session, data, town, actor=None, today=TODAY)
    assert not report.committed and counts(db) == (0, 0, 0, 0)
    assert {e["code"] for e in report.errors} == {"code.format"}
    assert report.villages == 1
    partial = import_land_area(db.session, data, town, actor=None, today=TODAY, partial=True)
    assert partial.committed and counts(db)[0] == partial.households
    assert db.session.scalar(select(func.count()).select_from(LandContract).where(
        LandContract.contractor_code.startswith(OTHER_TOWN_VILLAGE))) == 0


def test_cli_import_land_area_json_and_exit_codes(runner, db, demo, tmp_path):
    village(db, V1)
    village(db, V2)
    path = tmp_path / "town.xlsx"
    path.write_bytes(combined(V1, V2))
    dry = runner.invoke(args=["import-land", str(path), "--area", "370305100", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert '"committed": false' in dry.output and counts(db) == (0, 0, 0, 0)
    ok = runner.invoke(args=["import-land", str(path), "--area", "370305100"])
    assert ok.exit_code == 0, ok.output
    assert counts(db)[0] > 100
    assert runner.invoke(args=["import-land", str(path)]).exit_code == 2  # neither --village nor --area
    clerk = runner.invoke(args=["import-land", str(path), "--area", "370305100", "--user", "clerk"])
    assert clerk.exit_code != 0 and "管辖范围" in clerk.output



def _index(data: bytes, key: str, column: str, value: str) -> int:
    """The data-row index of the first row of sheet ``key`` whose ``column`` is ``value``."""
    return next(i for i, (_n, raw) in enumerate(read_land(data)[key].rows()) if raw.get(column) == value)


def test_a_reimport_with_changed_rows_updates_only_those_records(db, demo):
    """Changed rows of a town file update their records (version bump, a ``land.import`` event with
    old → new for the village), a circulation whose parcel list changed is linked anew, the rest is
    unchanged and nothing is added."""
    village(db, V1)
    village(db, V2)
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    data = combined(V1, V2)
    first = import_land_area(db.session, data, town, actor=None, filename="town.xlsx", today=TODAY)
    db.session.commit()
    before = counts(db)
    _n, holder_row = next(read_land(data)["coholders"].rows())
    contract = db.session.scalar(select(LandContract).where(LandContract.contractor_code == "370305100201010001"))
    parcel = db.session.scalar(select(Parcel).where(Parcel.code == "3703051002010100038"))
    holder = db.session.scalar(select(CoHolder).join(Person).where(
        CoHolder.contract_id == contract.id, Person.id_number == holder_row["id_number"]))
    circulation = db.session.scalar(select(Circulation).where(Circulation.code == "LZ3703051002012016002"))
    old_name, old_right, old_certificate = parcel.name, holder.is_coholder, contract.certificate_no
    assert [link.parcel.code for link in circulation.parcel_links] == ["3703051002010100039", "3703051002010100040"]
    changed = with_cell(data, "承包方", "经营权证编号", _index(data, "contractors", "contractor_code",
                                                          contract.contractor_code), "第9999号")
    changed = with_cell(changed, "承包地块", "地块名称", _index(data, "parcels", "code", parcel.code), "新名")
    changed = with_cell(changed, "共有人", "是否共有人", 0, "否" if old_right else "是")
    changed = with_cell(changed, "流转合同", "地块编码", _index(data, "circulations", "code", circulation.code),
                        "3703051002010100040、3703051002010100039")
    again = import_land_area(db.session, changed, town, actor=None, filename="town.xlsx", today=TODAY)
    assert not again.errors and (again.created, again.updated, again.unchanged) == (0, 4, first.created - 4)
    db.session.commit()
    db.session.expire_all()
    assert (contract.certificate_no, contract.version) == ("第9999号", 2)
    assert (parcel.name, parcel.version) == ("新名", 2)
    assert (holder.is_coholder, holder.version) == (not old_right, 2)
    assert [link.parcel.code for link in circulation.parcel_links] == ["3703051002010100040", "3703051002010100039"]
    assert counts(db) == before
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "land.import")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 3 and events[-1].area_code == V1  # V2 unchanged: no event
    detail = events[-1].detail
    assert (detail["created"], detail["updated"], detail["area"]) == (0, 4, town.code)
    fields = {c["sheet"]: c["fields"] for c in detail["changes"]}
    assert fields == {
        "contractors": {"certificate_no": [old_certificate, "第9999号"]},
        "parcels": {"name": [old_name, "新名"]},
        "coholders": {"is_coholder": [str(old_right), str(not old_right)]},
        "circulations": {"parcel_codes": [str(("3703051002010100039", "3703051002010100040")),
                                          str(("3703051002010100040", "3703051002010100039"))]}}


def test_a_messy_village_file_gets_the_same_row_outcomes_through_the_area_import(db, demo):
    """The area import checks each sheet once with the area's code as prefix and checks again, with the
    village's checker, a row with an error that goes to a village. Run over the village's own area, every
    row of the shared messy file gets the codes and messages of the village import; run over the town, a
    parcel whose 地块编码 is malformed goes to the village of its 承包方编码 and its message names the
    village's code, as in the village import."""
    org = village(db, V1)
    data = (RIGHTS / f"land_messy_{V1}.xlsx").read_bytes()
    data = with_cell(data, "承包地块", "地块编码", 3, "370305100201010001X")
    alone = import_land(db.session, data, org, actor=None, dry_run=True, today=TODAY)
    own = db.session.scalar(select(Area).where(Area.code == V1))
    by_area = import_land_area(db.session, data, own, actor=None, dry_run=True, today=TODAY)
    assert alone.errors and by_area.errors == alone.errors
    assert by_area.warnings == alone.warnings and by_area.rows_read == alone.rows_read
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    by_town = import_land_area(db.session, data, town, actor=None, dry_run=True, today=TODAY)
    malformed = [[e for e in report.errors if e["sheet"] == "承包地块" and "0001X" in e["message"]]
                 for report in (alone, by_town)]
    assert malformed[0] == malformed[1] and len(malformed[1]) == 1
    assert f"本村代码 {V1}" in malformed[1][0]["message"]


def test_sheets_checked_ahead_while_an_earlier_one_is_parsed_give_the_same_outcomes(db, demo, monkeypatch):
    """While the 承包地块 sheet is (made to look) still being parsed, the 共有人 and 流转合同 sheets are
    located and checked ahead; the report is the one of the import that checks them in their turn."""
    village(db, V1)
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    data = with_cell((RIGHTS / f"land_messy_{V1}.xlsx").read_bytes(), "共有人", "是否共有人", 0, "也许")
    in_turn = import_land_area(db.session, data, town, actor=None, dry_run=True, today=TODAY)
    located = []
    real_find = Workbook.find_table

    def ready(book, names):  # every other sheet counts as parsed (locating it waits for it if need be)
        return "承包地块" not in names

    def find_table(book, columns, **kw):
        located.append(kw["names"][0])
        return real_find(book, columns, **kw)

    checked = []
    real_check = area_import._check_sheet

    def check_sheet(key, *args):
        checked.append(key)
        return real_check(key, *args)

    monkeypatch.setattr(Workbook, "ready", ready)
    monkeypatch.setattr(Workbook, "find_table", find_table)
    monkeypatch.setattr(area_import, "_check_sheet", check_sheet)
    ahead = import_land_area(db.session, data, town, actor=None, dry_run=True, today=TODAY)
    assert located[:4] == ["承包方", "共有人", "流转合同", "承包地块"]  # the two later sheets ahead
    assert checked == ["contractors", "coholders", "circulations", "parcels"]  # each once: kept in its turn
    assert ahead.errors == in_turn.errors and ahead.warnings == in_turn.warnings
    assert (ahead.rows_read, ahead.created, ahead.households) == (in_turn.rows_read, in_turn.created,
                                                                  in_turn.households)
    assert any(e["sheet"] == "共有人" and "也许" in e["message"] for e in ahead.errors)


def test_a_missing_column_in_a_later_sheet_is_a_file_error_even_after_odd_cells(runner, db, demo, tmp_path):
    """The sheets are checked as they are parsed, before the later ones are located: a cell no rule can read
    (合同面积 1e300, once a crash in the rounding) is a row error, and a later sheet without its 承包方编码
    column still makes the file a ``file.missing_column`` refusal (exit 2, nothing written)."""
    village(db, V1)
    village(db, V2)
    data = with_cell(combined(V1, V2), "承包地块", "合同面积（亩）", 0, 1e300)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["共有人"]
    for row in sheet.iter_rows(max_row=5):
        for cell in row:
            if cell.value == "承包方编码":
                cell.value = "X"
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "town.xlsx"
    path.write_bytes(buffer.getvalue())
    result = runner.invoke(args=["import-land", str(path), "--area", "370305100", "--json"])
    assert result.exit_code == 2, result.output
    assert "file.missing_column" in result.output and "Traceback" not in result.output
    assert counts(db) == (0, 0, 0, 0)
    path.write_bytes(data)  # the columns back: the odd cell is the one row error
    result = runner.invoke(args=["import-land", str(path), "--area", "370305100", "--json"])
    assert result.exit_code != 0 and '"area.invalid"' in result.output and counts(db) == (0, 0, 0, 0)
