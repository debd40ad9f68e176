"""Who sees which rows of a ranking (属地管理).

Leaders, administrators and dispatchers see every row. Other staff see the areas inside their
unit's territory, and the units and people of their own unit and the units under it (a squadron
leader sees the squadron and its officers; department staff their department). Citizens and users
without a unit see no ranking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied
from chengguan.evaluation import counters as c
from chengguan.org.access import territory_of
from chengguan.org.models import Unit, User
from chengguan.org.roles import Role

CITYWIDE_VIEWERS = (Role.LEADER, Role.ADMIN, Role.DISPATCHER)


def sees_every_row(user: Any) -> bool:
    return bool(user.is_superuser or user.has_role(*CITYWIDE_VIEWERS))


def unit_subtree_ids(unit_id: int) -> set[int]:
    """The unit and every unit under it (one query per level of the tree)."""
    found = {unit_id}
    frontier = {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def row_filter_for(user: Any, subject_kind: str) -> Callable[[str], bool] | None:
    """A test on subject codes for the rows ``user`` may see; None when they see every row.

    Raises ``AccessDenied`` for users who see no ranking at all.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise AccessDenied()
    if sees_every_row(user):
        return None
    if user.has_role(Role.CITIZEN) or user.unit_id is None:
        raise AccessDenied(_("Only staff of a unit may see the evaluation."))
    family = c.FAMILY[subject_kind]
    if family == c.AREA:
        territory = territory_of(user)
        return territory.covers_code
    units = unit_subtree_ids(user.unit_id)
    if family == c.UNIT:
        codes = set(Unit.objects.filter(pk__in=units).values_list("code", flat=True))
    else:
        codes = set(User.objects.filter(unit_id__in=units).values_list("username", flat=True))
    return codes.__contains__
