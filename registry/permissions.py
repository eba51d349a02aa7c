"""Access rules as data, enforced in one place (DESIGN §2, habit 7).

A user's scope is a division-code prefix (district ``370305``, town ``370305100``, village
``370305100201``). Records outside the scope are 404; actions beyond the role are 403."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from registry.models.users import ROLE_LABELS as USER_ROLE_LABELS

CLERK, TOWN, DISTRICT, ADMIN = "clerk", "town", "district", "admin"

ROLE_LABELS = USER_ROLE_LABELS  # the Chinese role names (one table, registry/models/users.py)


def require_role(*roles: str):
    """View decorator: anonymous → login redirect; role not in ``roles`` → 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def in_scope(user, area_code: str) -> bool:
    return area_code.startswith(user.scope)


def ensure_in_scope(user, area_code: str) -> None:
    """Abort with 404 when ``area_code`` lies outside the user's scope."""
    if not in_scope(user, area_code):
        abort(404)


def scoped(stmt, column, user):
    """Restrict a select to rows whose division-code ``column`` is within the user's scope."""
    return stmt.where(column.startswith(user.scope, autoescape=True))


# --- Personal information -------------------------------------------------------------------------------
# Resident ID numbers are sensitive personal information (PIPL Art. 28). Where a role does not need the
# full number it sees first 6 + last 4 and the year of birth only (registry.reports.roster.masking). Every
# view of full numbers and every export is audited (registry.services.audit).

def sees_full_ids(user, village_code: str) -> bool:
    """Screens (village roster, member page): only the clerk of the village sees full ID numbers."""
    return user.role == CLERK and user.area.code == village_code


#: Roles whose roster exports carry full ID numbers, unless the ``FULL_ID_EXPORT_ROLES`` setting says
#: otherwise: the district bureau files the rosters with the province, re-imports exports and
#: reconciles them, which needs the full number. Town officers and administrators get masked numbers.
FULL_ID_EXPORT_ROLES = (DISTRICT,)


def exports_full_ids(user, config) -> bool:
    """Whether a roster export for ``user`` carries full ID numbers (``config``: the app config)."""
    return user.role in tuple(config.get("FULL_ID_EXPORT_ROLES", FULL_ID_EXPORT_ROLES))


def village_export_full_ids(user, village_code: str, config) -> bool:
    """Whether an export of one village's roster (the roster as of a date) carries full ID numbers:
    for the village's own clerk (who sees them on screen) and the roles of :func:`exports_full_ids`."""
    return sees_full_ids(user, village_code) or exports_full_ids(user, config)
