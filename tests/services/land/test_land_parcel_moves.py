"""A parcel changes contractor only by a recorded exchange or transfer (L-12, L-13), never by an import: a
re-import that lists a registered parcel under another 承包方编码 gets ``parcel.other_contractor`` on that
row (it used to end in a unique-index failure, a 500 on the web), the file is refused as a whole or, with
``partial``, that household is left out and nothing moves."""
from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from registry.models import Area, LandContract, Parcel
from registry.services.land.area_import import import_land_area
from registry.services.land.importer import import_land
from tests.services.land_helpers import RIGHTS, TODAY, village

V1, TOWN = "370305100201", "370305100000"


def moved_file() -> tuple[bytes, str, str, str]:
    """The clean sample file with its first parcel listed under the contractor of the 11th parcel:
    (file, parcel code, registered contractor, contractor in the file)."""
    wb = openpyxl.load_workbook(RIGHTS / f"land_{V1}.xlsx")
    ws = next(w for w in wb.worksheets if "地块" in w.title)
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if any("地块编码" in str(c.value or "") for c in r))
    col = next(i for i, c in enumerate(rows[head]) if "承包方编码" in str(c.value or ""))
    code = next(i for i, c in enumerate(rows[head]) if "地块编码" in str(c.value or ""))
    first, other = rows[head + 1], rows[head + 11]
    assert first[col].value != other[col].value
    parcel, was = str(first[code].value), str(first[col].value)
    first[col].value = other[col].value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), parcel, was, str(other[col].value)


def holder(db, parcel: str) -> str:
    return db.session.scalar(select(LandContract.contractor_code).join(Parcel, Parcel.contract_id == LandContract.id)
                             .where(Parcel.code == parcel, Parcel.valid_to.is_(None)))


def test_a_parcel_listed_under_another_contractor_is_refused_not_moved(db, demo):
    org = village(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None, today=TODAY).committed
    db.session.commit()
    data, parcel, was, now = moved_file()

    report = import_land(db.session, data, org, actor=None, today=TODAY)
    assert not report.committed
    assert [(e["code"], e["sheet"]) for e in report.errors] == [("parcel.other_contractor", "承包地块")]
    assert parcel in report.errors[0]["message"] and was in report.errors[0]["message"]
    db.session.rollback()

    partial = import_land(db.session, data, org, actor=None, today=TODAY, partial=True)
    assert partial.committed and partial.skipped_households == [now]
    db.session.commit()
    assert holder(db, parcel) == was  # nothing moved; the other households were imported (all unchanged)


def test_the_town_import_refuses_the_same_row(db, demo):
    org = village(db, V1)
    assert import_land(db.session, (RIGHTS / f"land_{V1}.xlsx").read_bytes(), org, actor=None, today=TODAY).committed
    db.session.commit()
    data, parcel, was, _ = moved_file()
    town = db.session.scalar(select(Area).where(Area.code == TOWN))
    report = import_land_area(db.session, data, town, actor=None, today=TODAY)
    assert not report.committed and [e["code"] for e in report.errors] == ["parcel.other_contractor"]
    db.session.rollback()
    assert holder(db, parcel) == was
