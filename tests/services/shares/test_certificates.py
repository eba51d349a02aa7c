"""Share certificates (股权证): issued by the register import; re-issued, replaced or cancelled with a
reason."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models.shares import ShareCertificate
from registry.services.errors import DomainError
from registry.services.shares.certificates import change_certificate
from registry.services.shares.importer import import_shares
from tests.services.shares.helpers import TODAY, roster_imported, shares_file


def _first(db):
    number = ShareCertificate.number == "东柳庄股证字第0001号"
    return db.session.scalar(select(ShareCertificate).where(number))


def test_certificate_life_cycle(db, demo, clock):
    org = roster_imported(db)
    import_shares(db.session, shares_file(), org, actor=None, today=TODAY)
    cert = _first(db)
    assert cert.status == "issued" and cert.issued_on.isoformat() == "2019-09-26"
    with pytest.raises(DomainError):
        change_certificate(db.session, cert, "reissue", reason=" ", new_number="X1", actor=None, today=TODAY)
    with pytest.raises(DomainError):  # the number is taken
        change_certificate(db.session, cert, "reissue", reason="遗失", new_number="东柳庄股证字第0002号",
                           actor=None, today=TODAY)
    new = change_certificate(db.session, cert, "reissue", reason="遗失", new_number="东柳庄股证字第0001-1号",
                             actor=None, today=TODAY)
    assert (cert.status, cert.replaced_by_id, new.status) == ("replaced", new.id, "reissued")
    with pytest.raises(DomainError):  # an ended certificate stays as it is
        change_certificate(db.session, cert, "cancel", reason="x", actor=None, today=TODAY)
    change_certificate(db.session, new, "cancel", reason="股份赎回", actor=None, today=TODAY)
    db.session.commit()
    assert new.status == "cancelled" and new.ended_on == TODAY


def test_certificate_print_view_and_change_over_http(login_as, db, demo, clock):
    org = roster_imported(db)
    import_shares(db.session, shares_file(), org, actor=None, today=TODAY)
    db.session.commit()
    cert = _first(db)
    client = login_as("clerk")
    page = client.get(f"/villages/370305100201/shares/certificates/{cert.id}").get_data(as_text=True)
    assert cert.number in page and org.name in page and "57" in page
    resp = client.post(f"/villages/370305100201/shares/certificates/{cert.id}/change",
                       data={"action": "cancel", "reason": "股份赎回"})
    assert resp.status_code == 302
    db.session.refresh(cert)
    assert cert.status == "cancelled"
