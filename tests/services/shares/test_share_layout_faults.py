"""Share register (股权台账) with the layout faults of shared/samples/RIGHTS.md "Layout faults to expect",
one at a time and combined, applied to the three clean samples: the faulty file reads as the clean one
(samples README "Rights registers": "Cleaning as for the roster", "Shares", the title/blank/formatted rows
of "Messy files"). The messy sample's codes are checked row by row in test_share_import.py.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import select

from registry.excel.reader import read_table
from registry.excel.shares.columns import SHARES, SHEET_NAMES
from registry.excel.shares.validate import validate_shares
from registry.models.shares import ShareCertificate
from registry.services.shares.importer import import_shares
from tests.services.rights_faults import LAYOUT_FAULTS, ONE_AT_A_TIME, faulty, with_cell
from tests.services.shares.helpers import RIGHTS, TODAY, VILLAGES, roster_imported, shares_file


def _import(db, org, data, **kw):
    report = import_shares(db.session, data, org, actor=None, filename="s.xlsx", today=TODAY, **kw)
    db.session.commit()
    return report


def _values(data) -> list[dict]:
    """Every row's normalised values in file order (the import compares units and 股权证号 only)."""
    return [r.values for r in validate_shares(read_table(data, SHARES, names=SHEET_NAMES).rows(), today=TODAY)]


def _problems(db, org, data, clean_values, total: int) -> list:
    report = _import(db, org, data, dry_run=True)
    problems = [e["code"] + " " + e["message"] for e in report.errors[:3]]
    problems += [("warning", w["code"]) for w in report.warnings[:3]]
    if (report.created, report.updated, report.unchanged) != (0, 0, total):
        problems.append(("counts", report.created, report.updated, report.unchanged))
    got = _values(data)
    diff = [(i, {k: (v, got[i][k]) for k, v in row.items() if got[i][k] != v})
            for i, row in enumerate(clean_values) if i < len(got) and got[i] != row]
    if diff or len(got) != len(clean_values):
        problems.append((len(got), diff[:2]))
    return problems


@pytest.mark.parametrize("code", VILLAGES)
def test_each_layout_fault_gives_the_clean_file_records(db, demo, code):
    """RIGHTS.md "Layout faults to expect": after the clean file (no code at all), each faulty file (and all
    faults at once) has no error, no warning and only unchanged households, with the same values."""
    org = roster_imported(db, code)
    clean = shares_file(code)
    first = _import(db, org, clean)
    assert first.committed and not first.errors and not first.warnings
    clean_values = _values(clean)
    failures = {}
    for fault in (*ONE_AT_A_TIME, "combined"):
        problems = _problems(db, org, faulty(clean, fault), clean_values, first.created)
        if problems:
            failures[fault] = problems
    assert not failures, failures


@pytest.mark.parametrize("seed", [1, 2])
def test_combined_faults_import_into_an_empty_register(db, demo, seed):
    """A file with every fault imports on its own without a code; the clean file after it is all
    unchanged."""
    org = roster_imported(db)
    report = _import(db, org, faulty(shares_file(), "combined", seed=seed))
    assert report.committed and not report.errors and not report.warnings, (report.errors + report.warnings)[:3]
    again = _import(db, org, shares_file())
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.created)


def test_certificate_number_is_trimmed_not_folded(db, demo):
    """股权证号 is free text: only trimmed, never NFKC-folded (RIGHTS.md; README "Cleaning as for the roster")."""
    org = roster_imported(db)
    number = "东柳庄股证字（2019）第0001号"
    data = with_cell(shares_file(), "股权台账", "股权证号", 0, "\u00a0" + number + "\u200b")
    report = _import(db, org, data)
    assert report.committed and not report.errors
    stored = db.session.scalars(select(ShareCertificate.number)).all()
    assert number in stored


def test_messy_file_keeps_its_codes_under_the_layout_faults(db, demo):
    """The layout faults move rows and columns but change no value: the messy sample still gives as many
    rows of each code as its .expected.json (README "Messy files")."""
    org = roster_imported(db)
    expected = json.loads((RIGHTS / "shares_messy_370305100201.expected.json").read_text("utf-8"))
    report = _import(db, org, faulty(shares_file(messy=True), LAYOUT_FAULTS), dry_run=True)
    assert not report.file_error and report.rows_read == len(expected)
    got = Counter(code for _row, code in {(i["row"], i["code"]) for i in report.errors + report.warnings})
    assert got == Counter(c for e in expected for c in e["codes"])
