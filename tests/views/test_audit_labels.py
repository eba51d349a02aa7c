"""The audit log shows every action in Chinese: each action code the registry can write — the literal
codes passed as ``action=`` and the workflow codes built as ``f"…{action}"`` from their transition
tables — has a label (a new code without one fails here, so it never reaches the district as raw text)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from registry.services.dividends.rounds import TRANSITIONS as ROUND_TRANSITIONS
from registry.services.filing.transitions import TRANSITIONS as FILING_TRANSITIONS
from registry.services.membership.transitions import EVENTS
from registry.services.shares.certificates import ACTIONS as CERTIFICATE_ACTIONS
from registry.services.transfers.workflow import TRANSITIONS as TRANSFER_TRANSITIONS
from registry.views.audit import audit_label

ROOT = Path(__file__).resolve().parents[2] / "registry"
CODE = re.compile(r"^[a-z_]+\.[a-z_0-9]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")

#: The f-string codes the services build, each with the values its table gives.
FAMILIES = {
    "f'dividend.{action}'": {f"dividend.{a}" for _, a in ROUND_TRANSITIONS},
    "f'filing.{action}'": {f"filing.{a}" for _, a in FILING_TRANSITIONS},
    "f'hukou_feed.hint_{state}'": {"hukou_feed.hint_reviewed", "hukou_feed.hint_confirmed"},
    "f'membership.{EVENTS[action]}'": {f"membership.{e}" for e in EVENTS.values()},
    "f'certificate.{action}'": {f"certificate.{a}" for a in CERTIFICATE_ACTIONS},
    "f'shares.{p.kind}'": {"shares.created", "shares.updated", "shares.unchanged"},
    "f'transfers.{action}'": {"transfers.draft"} | {f"transfers.{a}" for _, a in TRANSFER_TRANSITIONS},
}


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def written_actions() -> tuple[set[str], set[str]]:
    """(literal action codes, f-string families) found in registry/."""
    codes, families = set(), set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            values = [kw.value for kw in node.keywords if kw.arg == "action"]
            if name in ("_audit", "audit_full_ids"):  # helpers that take the code positionally
                values += node.args
            for value in values:
                if isinstance(value, ast.JoinedStr):
                    families.add(ast.unparse(value))
                codes.update(c for c in _constants(value) if CODE.match(c))
    return codes, families


def test_every_action_the_code_writes_has_a_chinese_label(app):
    codes, families = written_actions()
    assert len(codes) > 50 and "transfers.export" in codes and "land.import" in codes  # the scan sees the code
    assert families <= set(FAMILIES), f"a new f-string action: add it to FAMILIES: {families - set(FAMILIES)}"
    for family in families:
        codes |= FAMILIES[family]
    with app.test_request_context("/"):
        missing = {c: audit_label(c) for c in sorted(codes) if not CJK.search(audit_label(c))}
    assert not missing, f"audit actions without a Chinese label: {missing}"


def test_the_audit_page_shows_a_transfer_event_in_chinese(app, login_as, db):
    from registry.services import audit

    audit.record(db.session, actor=None, action="transfers.record", target_type="transfer", target_id=1,
                 area_code="370305", old="consented", new="recorded")
    db.session.commit()
    html = login_as("district").get("/audit").get_data(as_text=True)
    assert "权利交易已由乡镇备案生效" in html and ">transfers.record<" not in html
