"""Land contract register (承包地台账) with the layout faults of shared/samples/RIGHTS.md "Layout faults to
expect", one at a time and combined, applied to every clean sample (Chinese headings and the NY/T 2539 export):
the faulty file reads as the clean one (samples README "Rights registers": "Cleaning as for the roster",
"Areas", "Dates", the title/blank/formatted rows of "Messy files"). The messy sample's codes are checked row
by row in tests/excel/land/test_land_validate.py.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import select

from registry.models import LandContract, Parcel
from registry.services.land.importer import check_file, import_land
from registry.services.roster.importer import ImportReport
from tests.services.land_helpers import RIGHTS, TODAY, village
from tests.services.rights_faults import LAYOUT_FAULTS, ONE_AT_A_TIME, faulty, with_cell

FILES = [("370305100201", "land_370305100201.xlsx"), ("370305100202", "land_370305100202.xlsx"),
         ("370305100202", "land_370305100202_nyt.xlsx"), ("370305102201", "land_370305102201.xlsx")]
WARNINGS = {"370305100201": 3, "370305100202": 8, "370305102201": 15}  # coholder.left_household (L-10)


def _import(db, org, data, **kw):
    report = import_land(db.session, data, org, actor=None, filename="f.xlsx", today=TODAY, **kw)
    db.session.commit()
    return report


def _values(db, org, data) -> dict[str, list[dict]]:
    """Every row's normalised values, per sheet, in file order (row numbers left out)."""
    found = check_file(db.session, data, org, ImportReport(), today=TODAY)
    assert found is not None
    return {key: [r.values for r in rows] for key, rows in found[0].rows.items()}


def _problems(db, org, data, clean_values, warnings: Counter, total: int) -> list:
    report = _import(db, org, data, dry_run=True)
    problems = [e["code"] + " " + e["message"] for e in report.errors[:3]]
    if Counter(w["code"] for w in report.warnings) != warnings:
        problems.append(("warnings", Counter(w["code"] for w in report.warnings)))
    if (report.created, report.updated, report.unchanged) != (0, 0, total):
        problems.append(("counts", report.created, report.updated, report.unchanged))
    if not report.errors:
        got = _values(db, org, data)
        for key, rows in clean_values.items():
            diff = [(i, {k: (v, got[key][i][k]) for k, v in row.items() if got[key][i][k] != v})
                    for i, row in enumerate(rows) if got[key][i] != row]
            if diff or len(got[key]) != len(rows):
                problems.append((key, len(got[key]), diff[:2]))
    return problems


@pytest.mark.parametrize("code,name", FILES)
def test_each_layout_fault_gives_the_clean_file_records(db, demo, code, name):
    """RIGHTS.md "Layout faults to expect": after the clean file, each faulty file (and all faults at once)
    has no error, the same warnings and only unchanged rows, with the same normalised values."""
    org = village(db, code)
    clean = (RIGHTS / name).read_bytes()
    first = _import(db, org, clean)
    assert first.committed and not first.errors
    warnings = Counter(w["code"] for w in first.warnings)
    assert warnings == {"coholder.left_household": WARNINGS[code]}
    clean_values = _values(db, org, clean)
    failures = {}
    for fault in (*ONE_AT_A_TIME, "combined"):
        problems = _problems(db, org, faulty(clean, fault), clean_values, warnings, first.created)
        if problems:
            failures[fault] = problems
    assert not failures, failures


@pytest.mark.parametrize("seed", [1, 2])
def test_combined_faults_import_into_an_empty_register(db, demo, seed):
    """A file with every fault imports on its own (no error, the clean file's warnings), then the clean
    file is all unchanged: the same records either way round."""
    org = village(db, "370305100201")
    clean = (RIGHTS / "land_370305100201.xlsx").read_bytes()
    report = _import(db, org, faulty(clean, "combined", seed=seed))
    assert report.committed and not report.errors, report.errors[:3]
    assert Counter(w["code"] for w in report.warnings) == {"coholder.left_household": 3}
    again = _import(db, org, clean)
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.created)


def test_free_text_is_trimmed_not_folded(db, demo):
    """Free text (经营权证编号, 四至, 地块名称) is only trimmed, never NFKC-folded (RIGHTS.md; README "Cleaning
    as for the roster"): full-width punctuation stays as written, NBSP / zero-width spaces at the ends go."""
    org = village(db, "370305100201")
    clean = (RIGHTS / "land_370305100201.xlsx").read_bytes()
    _import(db, org, clean)
    certificate = "鲁（2020）临淄区农村土地承包经营权第0001号"
    data = with_cell(clean, "承包方", "经营权证编号", 0, "\u00a0" + certificate + "\u200b")
    data = with_cell(data, "承包地块", "东至", 0, "\u3000机耕路（南段）：至沟\u00a0")
    data = with_cell(data, "承包地块", "地块名称", 0, "\u200b窑坑南，一号\t")
    report = _import(db, org, data)
    assert not report.errors and (report.created, report.updated) == (0, 2)
    contract = db.session.scalar(select(LandContract).where(LandContract.contractor_code == "370305100201010001"))
    assert contract.certificate_no == certificate
    parcel = db.session.scalar(select(Parcel).where(Parcel.code == "3703051002010100001"))
    assert (parcel.east, parcel.name) == ("机耕路（南段）：至沟", "窑坑南，一号")


def _rows_codes(issues) -> Counter:
    return Counter((sheet, code) for sheet, _row, code in {(i.get("sheet"), i["row"], i["code"]) for i in issues})


def test_messy_file_keeps_its_codes_under_the_layout_faults(db, demo):
    """The layout faults move rows and columns but change no value: the messy sample still gives, sheet by
    sheet, as many rows of each code as its .expected.json (README "Messy files")."""
    org = village(db, "370305100201")
    name = "land_messy_370305100201"
    expected = json.loads((RIGHTS / f"{name}.expected.json").read_text("utf-8"))
    data = faulty((RIGHTS / f"{name}.xlsx").read_bytes(), LAYOUT_FAULTS)
    report = _import(db, org, data, dry_run=True)
    assert not report.file_error and report.rows_read == len(expected)
    assert _rows_codes(report.errors + report.warnings) == Counter(
        (e["sheet"], c) for e in expected for c in e["codes"])
