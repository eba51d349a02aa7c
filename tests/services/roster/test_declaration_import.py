"""M-17: the optional roster column 声明无其他成员身份 (是/否) sets the signed declaration; a blank cell
leaves what the member page recorded; a bad value is a cell error."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import Membership, Person
from registry.services.membership.declarations import set_declaration
from registry.services.roster.importer import import_roster
from tests.services.filing_helpers import org, user
from tests.services.import_helpers import TODAY, Book


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


def _book():
    book = Book()
    book.ws.cell(row=2, column=book.ws.max_column + 1, value="声明无其他成员身份")
    book.col = {h: i for i, h in enumerate([c.value for c in book.ws[2]], start=1)}
    return book


def _membership(s, id_number: str) -> Membership:
    return s.scalar(select(Membership).join(Person).where(Person.id_number == id_number))


def test_M17_declaration_column_sets_and_blank_keeps(db, demo):
    s = db.session
    book = _book()
    first, second = book.get(3, "证件号码"), book.get(4, "证件号码")
    book.set(3, 声明无其他成员身份="是")
    book.set(4, 声明无其他成员身份="否")
    report = import_roster(s, book.bytes(), org(s), actor=None)
    assert not report.errors
    assert _membership(s, first).declared_no_other_membership is True
    assert _membership(s, second).declared_no_other_membership is False
    assert _membership(s, book.get(5, "证件号码")).declared_no_other_membership is None
    # The member page records a signature; a later import without a value keeps it.
    third = _membership(s, book.get(5, "证件号码"))
    set_declaration(s, org(s), third, True, actor=user(s, "clerk"))
    s.commit()
    report = import_roster(s, Book().bytes(), org(s), actor=None)  # no declaration column at all
    assert not report.errors and report.updated == 0
    assert _membership(s, book.get(5, "证件号码")).declared_no_other_membership is True
    assert _membership(s, first).declared_no_other_membership is True


def test_M17_declaration_column_bad_value_is_a_cell_error(db, demo):
    s = db.session
    book = _book()
    book.set(3, 声明无其他成员身份="也许")
    report = import_roster(s, book.bytes(), org(s), actor=None, dry_run=True)
    assert [(e["column"], e["code"]) for e in report.errors] == [("声明无其他成员身份", "value.unknown")]

