"""The member page's civil-capacity panel (A-07): the flags as recorded and, for the village's clerk,
the form. Kept apart from views.assembly so views.members can import it without a cycle."""
from __future__ import annotations

from registry.extensions import db
from registry.forms.assembly import CapacityForm, DeclarationForm
from registry.models import Membership
from registry.services.assembly.capacity import flag_of


def capacity_context(m: Membership, can_edit: bool, forms: dict) -> dict:
    flag = flag_of(db.session, m.person_id)
    ctx = {"capacity_flag": flag}
    if can_edit:
        ctx["capacity_form"] = forms.get("capacity_form") or CapacityForm(obj=flag)
        declared = {True: "yes", False: "no"}.get(m.declared_no_other_membership, "")
        ctx["declaration_form"] = forms.get("declaration_form") or DeclarationForm(data={"declared": declared})
    return ctx
