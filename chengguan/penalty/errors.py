"""Errors of the penalty procedure, on top of ``chengguan.core.errors`` (same codes, same HTTP statuses).

``InvalidTransition`` and ``StaleVersion`` are conflicts (409) whose details carry the proceeding's
current ``state`` and ``version``. ``LegalBar`` (400) is a rule of the law that refuses the step:
its ``rule`` detail names which (``two_officers``, ``decision_limit``, ``limitation``, ``no_heavier``,
``notice_of_rights``, ``legal_review``, ``collective_discussion``, ``recording``, ``summary_limit``,
``hearing_notice``, ``statement_period``, ``court_window`` …).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput, NotFound

__all__ = [
    "AccessDenied",
    "InvalidInput",
    "InvalidTransition",
    "LegalBar",
    "NotFound",
    "ProceedingNotFound",
    "StaleVersion",
    "WrongRole",
]


class ProceedingNotFound(NotFound):
    default_message = _("There is no such proceeding.")


class WrongRole(AccessDenied):
    default_message = _("Your role may not do this.")


class InvalidTransition(Conflict):
    default_message = _("The proceeding is not in a state that allows this.")

    def __init__(self, message: Any = None, *, state: str, version: int, **details: Any) -> None:
        super().__init__(message, field="state", state=state, version=version, **details)


class StaleVersion(Conflict):
    default_message = _("Somebody else changed this proceeding first; reload it and try again.")

    def __init__(self, message: Any = None, *, state: str, version: int, **details: Any) -> None:
        super().__init__(message, field="version", state=state, version=version, **details)


class LegalBar(InvalidInput):
    """The law does not allow this step now (the message says which rule and why)."""

    def __init__(self, message: Any, *, rule: str, field: str | None = None, **details: Any) -> None:
        super().__init__(message, field=field or rule, rule=rule, **details)
