"""Homestead register (宅基地台账) with the layout faults of shared/samples/RIGHTS.md "Layout faults to
expect", one at a time and combined, applied to the three clean samples: the faulty file reads as the clean
one (samples README "Rights registers": "Cleaning as for the roster", "Areas", the title/blank/formatted rows
of "Messy files"). The messy sample's codes are checked row by row in test_homestead_import.py.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from registry.models import Homestead
from registry.services.homesteads.importer import check_file, import_homesteads
from registry.services.roster.importer import ImportReport
from tests.services.homesteads.helpers import RIGHTS, village_with_roster
from tests.services.rights_faults import LAYOUT_FAULTS, ONE_AT_A_TIME, faulty, with_cell

TODAY = date(2026, 6, 15)
OVER_CAP = {"370305100201": 5, "370305100202": 15, "370305102201": 36}  # homestead.area_over_cap (D-02)


def _import(db, org, data, **kw):
    report = import_homesteads(db.session, data, org, actor=None, filename="h.xlsx", today=TODAY, **kw)
    db.session.commit()
    return report


def _values(db, org, data) -> list[dict]:
    found = check_file(db.session, data, org, ImportReport(), today=TODAY)
    assert found is not None
    return [r.values for r in found[0]]


def _problems(db, org, data, clean_values, warnings: Counter, total: int) -> list:
    report = _import(db, org, data, dry_run=True)
    problems = [e["code"] + " " + e["message"] for e in report.errors[:3]]
    if Counter(w["code"] for w in report.warnings) != warnings:
        problems.append(("warnings", Counter(w["code"] for w in report.warnings)))
    if (report.created, report.updated, report.unchanged) != (0, 0, total):
        problems.append(("counts", report.created, report.updated, report.unchanged))
    if not report.errors:
        got = _values(db, org, data)
        diff = [(i, {k: (v, got[i][k]) for k, v in row.items() if got[i][k] != v})
                for i, row in enumerate(clean_values) if i < len(got) and got[i] != row]
        if diff or len(got) != len(clean_values):
            problems.append((len(got), diff[:2]))
    return problems


@pytest.mark.parametrize("code", sorted(OVER_CAP))
def test_each_layout_fault_gives_the_clean_file_records(db, demo, code):
    """RIGHTS.md "Layout faults to expect": after the clean file, each faulty file (and all faults at once)
    has no error, the same warnings (D-02) and only unchanged plots, with the same normalised values."""
    org = village_with_roster(db, code)
    clean = (RIGHTS / f"homestead_{code}.xlsx").read_bytes()
    first = _import(db, org, clean)
    assert first.committed and not first.errors
    warnings = Counter(w["code"] for w in first.warnings)
    assert warnings == {"homestead.area_over_cap": OVER_CAP[code]}
    clean_values = _values(db, org, clean)
    failures = {}
    for fault in (*ONE_AT_A_TIME, "combined"):
        problems = _problems(db, org, faulty(clean, fault), clean_values, warnings, first.created)
        if problems:
            failures[fault] = problems
    assert not failures, failures


@pytest.mark.parametrize("seed", [1, 2])
def test_combined_faults_import_into_an_empty_register(db, demo, seed):
    """A file with every fault imports on its own with the clean file's warnings; the clean file after it
    is all unchanged."""
    org = village_with_roster(db)
    clean = (RIGHTS / "homestead_370305100201.xlsx").read_bytes()
    report = _import(db, org, faulty(clean, "combined", seed=seed))
    assert report.committed and not report.errors, report.errors[:3]
    assert Counter(w["code"] for w in report.warnings) == {"homestead.area_over_cap": 5}
    again = _import(db, org, clean)
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.created)


def test_free_text_is_trimmed_not_folded(db, demo):
    """不动产权证号, 坐落, 批准文号, 四至, 备注 are only trimmed, never NFKC-folded (RIGHTS.md): 鲁（2020）… stays
    as written."""
    org = village_with_roster(db)
    clean = (RIGHTS / "homestead_370305100201.xlsx").read_bytes()
    _import(db, org, clean)
    certificate = "鲁（2020）临淄区不动产权第0001473号"
    data = with_cell(clean, "宅基地", "不动产权证号", 0, "\u200b" + certificate + "\u00a0")
    data = with_cell(data, "宅基地", "批准文号", 0, "\u3000临淄宅批字〔2005〕第008号\t")
    data = with_cell(data, "宅基地", "备注", 0, "\u00a0历史形成，面积待核（2019年）\u200b")
    data = with_cell(data, "宅基地", "东至", 0, " 胡同：路 ")
    report = _import(db, org, data)
    assert not report.errors and (report.created, report.updated) == (0, 1)
    plot = db.session.scalar(select(Homestead).where(Homestead.plot_code == "370305100201JC00001"))
    assert (plot.certificate_no, plot.approval_doc, plot.remarks, plot.east) == (
        certificate, "临淄宅批字〔2005〕第008号", "历史形成，面积待核（2019年）", "胡同：路")


def test_messy_file_keeps_its_codes_under_the_layout_faults(db, demo):
    """The layout faults move rows and columns but change no value: the messy sample still gives as many
    rows of each code as its .expected.json (README "Messy files")."""
    org = village_with_roster(db)
    name = "homestead_messy_370305100201"
    expected = json.loads((RIGHTS / f"{name}.expected.json").read_text("utf-8"))
    report = _import(db, org, faulty((RIGHTS / f"{name}.xlsx").read_bytes(), LAYOUT_FAULTS), dry_run=True)
    assert not report.file_error and report.rows_read == len(expected)
    got = Counter(code for _row, code in {(i["row"], i["code"]) for i in report.errors + report.warnings})
    assert got == Counter(c for e in expected for c in e["codes"])
