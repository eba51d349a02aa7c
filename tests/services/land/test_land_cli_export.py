"""import-land / export-land on the CLI (issue 15): exit codes and JSON of import-roster; import → export →
re-import is "all unchanged" (Chinese and NY/T files)."""
from __future__ import annotations

import io
import json

import pytest
from python_calamine import CalamineWorkbook

from registry.services.areas import area_by_code
from registry.services.land.export import export_land
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, TODAY, village


def test_cli_import_land_exit_codes_and_json(runner, db, demo, tmp_path):
    village(db, "370305100201")
    messy = runner.invoke(args=["import-land", str(RIGHTS / "land_messy_370305100201.xlsx"), "--village",
                                "370305100201", "--json"])
    assert messy.exit_code == 1
    out = json.loads(messy.output)
    assert not out["committed"]
    assert {"rows_read", "created", "updated", "unchanged", "errors", "warnings"} <= set(out)
    assert out["rows_read"] == 224
    assert {e["sheet"] for e in out["errors"]} == {"承包方", "承包地块", "共有人", "流转合同"}
    clean = str(RIGHTS / "land_370305100201.xlsx")
    dry = runner.invoke(args=["import-land", clean, "--village", "370305100201", "--dry-run", "--json"])
    assert dry.exit_code == 0 and json.loads(dry.output)["committed"] is False
    ok = runner.invoke(args=["import-land", clean, "--village", "370305100201"])
    assert ok.exit_code == 0 and "已导入" in ok.output
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not excel")
    assert runner.invoke(args=["import-land", str(bad), "--village", "370305100201"]).exit_code == 2
    out = tmp_path / "land.xlsx"
    exported = runner.invoke(args=["export-land", "--area", "370305100201", "--out", str(out)])
    assert exported.exit_code == 0 and out.exists()


@pytest.mark.parametrize("name,code", [("land_370305100202_nyt.xlsx", "370305100202"),
                                       ("land_370305102201.xlsx", "370305102201")])
def test_import_export_reimport_is_all_unchanged(db, demo, name, code):
    org = village(db, code)
    first = import_land(db.session, (RIGHTS / name).read_bytes(), org, actor=None, today=TODAY)
    db.session.commit()
    assert first.committed
    result = export_land(db.session, area_by_code(db.session, code), actor=None)
    db.session.commit()
    again = import_land(db.session, result.data, org, actor=None, today=TODAY)
    assert not again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    book = CalamineWorkbook.from_filelike(io.BytesIO(result.data))
    parcels = book.get_sheet_by_name("承包地块").to_python()
    assert isinstance(parcels[2][0], str) and len(parcels[2][0]) == 19  # DKBM as text
    contractors = book.get_sheet_by_name("承包方").to_python()
    assert all(isinstance(row[3], str) for row in contractors[2:])  # ID numbers as text


def test_town_export_holds_every_village(db, demo):
    for code in ("370305100201", "370305100202"):
        org = village(db, code)
        import_land(db.session, (RIGHTS / f"land_{code}.xlsx").read_bytes(), org, actor=None, today=TODAY)
        db.session.commit()
    result = export_land(db.session, area_by_code(db.session, "370305100"), actor=None)
    assert result.rows == 85 + 203
