"""Errors of the case workflow, on top of ``chengguan.core.errors`` (same codes, same HTTP statuses).

``InvalidTransition`` and ``StaleVersion`` are both conflicts (409): the details always carry the
case's current ``state`` and ``version`` so that a client can reload and decide again.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput, NotFound

__all__ = [
    "AccessDenied",
    "CaseNotFound",
    "Conflict",
    "InvalidInput",
    "InvalidTransition",
    "NotFound",
    "StaleVersion",
    "WrongRole",
]


class CaseNotFound(NotFound):
    default_message = _("There is no such case.")


class WrongRole(AccessDenied):
    default_message = _("Your role may not do this.")


class InvalidTransition(Conflict):
    default_message = _("The case is not in a state that allows this.")

    def __init__(self, message: Any = None, *, state: str, version: int, **details: Any) -> None:
        super().__init__(message, field="state", state=state, version=version, **details)


class StaleVersion(Conflict):
    default_message = _("Somebody else changed this case first; reload it and try again.")

    def __init__(self, message: Any = None, *, state: str, version: int, **details: Any) -> None:
        super().__init__(message, field="version", state=state, version=version, **details)
