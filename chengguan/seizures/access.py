"""Who may see which seizure or obstruction incident (one condition per line, each tested).

* administrators, leaders and superusers see every one;
* enforcement staff (officers, squadron leaders, legal reviewers) see those in their territory;
* the officers present see theirs wherever it is;
* anybody else (citizens, departments, inspectors, visitors) sees none: ``NotFound`` for those
  without a unit, ``AccessDenied`` for staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from chengguan.org.access import territory_of, territory_q
from chengguan.org.roles import CITYWIDE_ROLES, Role
from chengguan.seizures.errors import AccessDenied, IncidentNotFound, SeizureNotFound
from chengguan.seizures.models import ObstructionIncident, Seizure, SeizurePolicy

READ_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.LEADER, Role.ADMIN})
# Who takes part in a seizure on the spot (Compulsion Law art. 18).
FIELD_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER})
# 负责人: who approves a seizure or decides its release or disposal.
HEAD_ROLES = frozenset({Role.SQUADRON_LEADER, Role.LEADER})
# The head of the bureau: approves the one extension (art. 25).
EXTENSION_ROLES = frozenset({Role.LEADER})


def get_policy() -> SeizurePolicy:
    """The ``SeizurePolicy`` row, or an unsaved one with the defaults when the bureau has none."""
    return SeizurePolicy.objects.filter(pk=1).first() or SeizurePolicy()


def is_active(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def sees_everything(actor: Any) -> bool:
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*CITYWIDE_ROLES)


def _can_see(actor: Any, grid_code: str, officers: Any) -> bool:
    if not is_active(actor):
        return False
    if sees_everything(actor):
        return True
    if not actor.has_role(*READ_ROLES):
        return False
    if territory_of(actor).covers_code(grid_code):
        return True
    return officers.filter(pk=actor.pk).exists()


def can_see_seizure(actor: Any, seizure: Seizure) -> bool:
    return _can_see(actor, seizure.grid_code, seizure.officers)


def _refuse(actor: Any, not_found: Exception, **details: Any) -> Exception:
    if not is_active(actor) or not getattr(actor, "unit_id", None):
        return not_found
    return AccessDenied(**details)


def access_seizure(actor: Any, seizure_id: Any) -> Seizure:
    """The seizure if ``actor`` may see it; ``SeizureNotFound`` or ``AccessDenied`` otherwise."""
    try:
        seizure = Seizure.objects.select_related("party", "violation").get(pk=int(seizure_id))
    except (Seizure.DoesNotExist, TypeError, ValueError, OverflowError):
        raise SeizureNotFound(field="seizure", seizure=str(seizure_id)) from None
    if can_see_seizure(actor, seizure):
        return seizure
    raise _refuse(
        actor, SeizureNotFound(field="seizure", seizure=str(seizure_id)), field="seizure", seizure=seizure.pk
    )


def get_seizures_visible_to(actor: Any) -> QuerySet[Seizure]:
    if not is_active(actor):
        return Seizure.objects.none()
    if sees_everything(actor):
        return Seizure.objects.all()
    if not actor.has_role(*READ_ROLES):
        return Seizure.objects.none()
    condition = territory_q(territory_of(actor), "grid_code") | Q(officers=actor)
    return Seizure.objects.filter(condition).distinct()


def access_incident(actor: Any, incident_id: Any) -> ObstructionIncident:
    try:
        incident = ObstructionIncident.objects.get(pk=int(incident_id))
    except (ObstructionIncident.DoesNotExist, TypeError, ValueError, OverflowError):
        raise IncidentNotFound(field="incident", incident=str(incident_id)) from None
    if _can_see(actor, incident.grid_code, incident.officers):
        return incident
    raise _refuse(
        actor,
        IncidentNotFound(field="incident", incident=str(incident_id)),
        field="incident",
        incident=incident.pk,
    )


def get_incidents_visible_to(actor: Any) -> QuerySet[ObstructionIncident]:
    if not is_active(actor):
        return ObstructionIncident.objects.none()
    if sees_everything(actor):
        return ObstructionIncident.objects.all()
    if not actor.has_role(*READ_ROLES):
        return ObstructionIncident.objects.none()
    condition = territory_q(territory_of(actor), "grid_code") | Q(officers=actor)
    return ObstructionIncident.objects.filter(condition).distinct()
