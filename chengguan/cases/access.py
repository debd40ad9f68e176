"""Permission-checked access to cases: the only way request code gets a case.

Who sees a case (one condition per line, each tested):

* administrators, leaders and superusers see every case;
* staff see the cases in their territory (``org.access``: the case's grid lies in it);
* members of the unit a case is assigned or transferred to see it wherever it is;
* a reporter (a citizen) sees the cases they reported, and nothing else.

Anybody else gets ``NotFound`` (citizens and anonymous visitors, so that others' reports stay
unknown) or ``AccessDenied`` (staff outside the territory).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from chengguan.cases.errors import AccessDenied, CaseNotFound
from chengguan.cases.models import Case
from chengguan.org.access import territory_of, territory_q
from chengguan.org.roles import CITYWIDE_ROLES, Role


def _authenticated(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def acting_user(actor: Any) -> Any:
    """The signed-in, active user behind ``actor``; None for anonymous visitors and machines."""
    return actor if _authenticated(actor) else None


def units_of(actor: Any) -> set[int]:
    """The actor's home unit and every unit above it (a member of a unit is inside each of these)."""
    unit = getattr(actor, "unit", None) if _authenticated(actor) else None
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return seen


def is_member_of(actor: Any, unit_id: int | None) -> bool:
    """Whether the actor belongs to the unit ``unit_id`` (directly or through a sub-unit)."""
    if unit_id is None or not _authenticated(actor) or actor.unit_id is None:
        return False
    return unit_id in units_of(actor)


def sees_everything(actor: Any) -> bool:
    if not _authenticated(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*CITYWIDE_ROLES)


def can_see_case(actor: Any, case: Case) -> bool:
    if not _authenticated(actor):
        return False
    if sees_everything(actor):
        return True
    if territory_of(actor).covers_code(case.grid_code):
        return True
    if is_member_of(actor, case.assigned_unit_id):
        return True
    if is_member_of(actor, case.transferred_to_id):
        return True
    return case.reporter_id is not None and case.reporter_id == actor.pk


def access_case(actor: Any, case_id: Any) -> Case:
    """The case ``case_id`` if ``actor`` may see it; ``NotFound`` or ``AccessDenied`` otherwise."""
    try:
        case = Case.objects.select_related("category", "assigned_unit").get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise CaseNotFound(field="case", case=case_id) from None
    if can_see_case(actor, case):
        return case
    if not _authenticated(actor) or not getattr(actor, "unit_id", None):
        # citizens and visitors do not learn that somebody else's report exists
        raise CaseNotFound(field="case", case=case_id)
    raise AccessDenied(field="case", case=case.pk)


def get_cases_visible_to(actor: Any) -> QuerySet[Case]:
    """Every case ``actor`` may see (the same rule as ``access_case``, as a database filter)."""
    if not _authenticated(actor):
        return Case.objects.none()
    if sees_everything(actor):
        return Case.objects.all()
    condition = territory_q(territory_of(actor), "grid_code") | Q(reporter=actor)
    units = units_of(actor)
    if units:
        condition |= Q(assigned_unit_id__in=units) | Q(transferred_to_id__in=units)
    return Case.objects.filter(condition)


# Roles that read a reporter's phone number and e-mail address (the people who call reporters back).
CONTACT_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN})


def can_read_reporter_contact(actor: Any) -> bool:
    """May ``actor`` read the reporter's phone and e-mail of a case they can see?"""
    user = acting_user(actor)
    if user is None:
        return False
    return bool(user.is_superuser or user.role_names & CONTACT_ROLES)


def can_read_internal_details(actor: Any) -> bool:
    """May ``actor`` read a case's internal details (actors, payloads, private steps)? Staff only."""
    user = acting_user(actor)
    if user is None:
        return False
    return bool(user.is_superuser or user.role_names - {Role.CITIZEN})
