"""Domain errors: a stable machine code, the rule id where one applies, and a Chinese message."""
from __future__ import annotations


class DomainError(Exception):
    """Raised by services when a rule refuses an action. ``code`` is stable (e.g.
    ``filing.notice_open``), ``rule`` the DOMAIN.md rule id (e.g. ``A-01``) or None,
    ``message`` the Chinese text shown to the user."""

    def __init__(self, code: str, message: str, rule: str | None = None):
        super().__init__(message)
        self.code = code
        self.rule = rule
        self.message = message

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}" if self.rule else self.message


class NotFound(DomainError):
    def __init__(self, message: str = "记录不存在"):
        super().__init__("not_found", message)
