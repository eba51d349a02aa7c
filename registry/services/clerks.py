"""Who may record for a village: its own clerk (the actor's scope covers the organisation's code)."""
from __future__ import annotations

from registry.services.errors import DomainError


def require_village_clerk(actor, area_code: str, code: str, message: str, rule: str | None = None) -> None:
    """Raise DomainError(``code``, ``message``, ``rule``) unless ``actor`` is a clerk whose scope covers
    ``area_code``."""
    if getattr(actor, "role", None) != "clerk" or not area_code.startswith(actor.scope):
        raise DomainError(code, message, rule=rule)
