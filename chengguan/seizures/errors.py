"""Errors of seizures and obstruction incidents, on top of ``chengguan.core.errors``.

``InvalidTransition`` and ``StaleVersion`` are conflicts (409) whose details carry the seizure's current
``state`` and ``version``. ``LegalBar`` (400) is a rule of the law that refuses the step; its ``rule``
detail names which (``two_officers``, ``one_extension``, ``extension_days``, ``term_lapsed``,
``no_confiscation``, ``evaluation_overlap``, ``witness``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput, NotFound

__all__ = [
    "AccessDenied",
    "InvalidInput",
    "InvalidTransition",
    "LegalBar",
    "NotFound",
    "SeizureNotFound",
    "StaleVersion",
    "WrongRole",
]


class SeizureNotFound(NotFound):
    default_message = _("There is no such seizure.")


class IncidentNotFound(NotFound):
    default_message = _("There is no such obstruction incident.")


class WrongRole(AccessDenied):
    default_message = _("Your role may not do this.")


class InvalidTransition(Conflict):
    default_message = _("The seizure is not in a state that allows this.")


class StaleVersion(Conflict):
    default_message = _("Somebody else changed this seizure first; reload it and try again.")


class LegalBar(InvalidInput):
    default_message = _("The law does not allow this step.")
