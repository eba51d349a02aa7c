"""Home redirect by role and the town / district overviews; template helpers shared by every page
(``code_label`` filter, ``nav_url`` / ``role_label`` globals)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from registry import codes
from registry.extensions import db
from registry.permissions import ADMIN, CLERK, DISTRICT, TOWN, require_role
from registry.reports.roster.listing import AreaSummary, find_area, town_summaries, village_summaries

bp = Blueprint("main", __name__)

ROLE_LABELS = {
    CLERK: _l("Village clerk"),
    TOWN: _l("Town agricultural officer"),
    DISTRICT: _l("District agricultural bureau"),
    ADMIN: _l("System administrator"),
}


def endpoint_url(endpoint: str, **candidates) -> str | None:
    """URL of ``endpoint`` if it is registered and every argument its rule needs is among
    ``candidates`` (only the arguments the rule declares are passed); otherwise None.

    Lets the layout and the home redirect link to endpoints that other modules add over time."""
    if endpoint not in current_app.view_functions:
        return None
    for rule in current_app.url_map.iter_rules(endpoint):
        needed = rule.arguments - set(rule.defaults or ())
        if needed <= candidates.keys():
            return url_for(endpoint, **{k: candidates[k] for k in needed})
    return None


def user_url_args() -> dict[str, str]:
    """URL argument candidates for the current user's own area (``code`` = its 12-digit code)."""
    if not current_user.is_authenticated:
        return {}
    return {"code": current_user.area.code}


@bp.app_template_filter("code_label")
def code_label(value, table: str) -> str:
    """Chinese label of a stored code (``{{ m.status|code_label("member_status") }}``); a list of
    codes gives the labels joined by "、"; an unknown code is shown as stored, None as ""."""
    if value is None or value == "":
        return ""
    code_table = codes.TABLES[table]
    if isinstance(value, (list, tuple)):
        return "、".join(code_table.label(v) or str(v) for v in value)
    return code_table.label(value) or str(value)


def role_may_use(endpoint: str) -> bool:
    """Whether the current user's role may open ``endpoint``: ``require_role`` records the allowed
    roles on the view function (``allowed_roles``); a view without it is open to every signed-in user."""
    roles = getattr(current_app.view_functions.get(endpoint), "allowed_roles", None)
    return roles is None or (current_user.is_authenticated and current_user.role in roles)


def nav_url(endpoint: str) -> str | None:
    """URL of a navigation entry, or None when the entry must not be shown (the role may not use
    it, or its URL cannot be built for the user's area)."""
    if not role_may_use(endpoint):
        return None
    return endpoint_url(endpoint, **user_url_args())


@bp.app_context_processor
def layout_helpers():
    return {
        "nav_url": nav_url,
        "role_may_use": role_may_use,
        "role_label": lambda role: ROLE_LABELS.get(role, role),
    }


@bp.get("/")
@login_required
def index():
    """Clerk → own village roster; town → filings inbox (town overview until that exists);
    district and admin → district overview."""
    role, code = current_user.role, current_user.area.code
    if role == CLERK:
        return redirect(url_for("roster.index", code=code))
    if role == TOWN:
        return redirect(endpoint_url("filings.town_inbox", code=code)
                        or url_for("main.town_overview", code=code))
    if role in (DISTRICT, ADMIN):
        return redirect(url_for("main.district_overview"))
    abort(403)


@bp.get("/towns/<code>")
@require_role(TOWN, DISTRICT, ADMIN)
def town_overview(code: str):
    town = find_area(db.session, current_user, code, "town")
    if town is None:
        abort(404)
    villages = village_summaries(db.session, current_user, under=code[:9])
    total = AreaSummary(town.code, town.name)
    for village in villages:
        total.add(village)
    return render_template("main/town_overview.html", town=town, villages=villages, total=total)


@bp.get("/district")
@require_role(DISTRICT, ADMIN)
def district_overview():
    district = current_user.area
    villages = village_summaries(db.session, current_user)
    towns = town_summaries(db.session, current_user, villages)
    total = AreaSummary(district.code, district.name)
    for town in towns:
        total.add(town)
    return render_template("main/district_overview.html", district=district, towns=towns,
                           villages=villages, total=total)
