"""Import of changes through HTTP and the CLI (issue 3 step 7): the preview shows the diff against
the filed roster; a 已丧失 row without a lawful ground is ``value.unknown``."""
from __future__ import annotations

import io
import json
import re

import pytest

from registry.services.roster.importer import import_roster
from tests.conftest import SAMPLES
from tests.services.filing_helpers import org, user
from tests.services.import_helpers import TODAY, Book, non_head_rows
from tests.services.membership_helpers import D, file_version

A = "370305100201"


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    return clock.set(TODAY)


@pytest.fixture
def filed(db, demo):
    o = org(db.session, A)
    import_roster(db.session, (SAMPLES / f"roster_{A}.xlsx").read_bytes(), o, actor=None)
    file_version(db.session, o, user(db.session, "clerk"), posted=D(2025, 1, 2), meeting=D(2025, 1, 20))
    db.session.commit()
    return o


def upload(client, data: bytes):
    return client.post(f"/villages/{A}/import", data={"file": (io.BytesIO(data), "changes.xlsx")},
                       content_type="multipart/form-data")


def test_import_preview_shows_the_diff(login_as, filed):
    book = Book()
    dead, moved = non_head_rows(book, 2)
    book.lose(dead, "死亡")
    book.set(moved, 联系电话="13800007777")
    resp = upload(login_as("clerk"), book.bytes())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "与当前名册相比的变动" in html and "丧失成员身份" in html
    ended = re.search(r'<table class="data" id="import-ended">.*?</table>', html, re.S).group(0)
    assert f'data-row="{dead}"' in ended and "死亡" in ended
    assert "联系电话：" in html and "13800007777" in html


def test_loss_row_without_ground_is_value_unknown_over_http(login_as, filed):
    book = Book()
    book.lose(non_head_rows(book, 1)[0], None)
    html = upload(login_as("clerk"), book.bytes()).get_data(as_text=True)
    assert "value.unknown" in html and "丧失原因" in html


def test_cli_import_reports_endings(runner, filed, tmp_path):
    book = Book()
    book.lose(non_head_rows(book, 1)[0], "丧失国籍", basis="注销户口证明")
    path = tmp_path / "changes.xlsx"
    path.write_bytes(book.bytes())
    result = runner.invoke(args=["import-roster", str(path), "--village", A, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output.strip().splitlines()[-1])
    assert (out["ended"], out["committed"], out["errors"]) == (1, True, [])
