"""May this actor see or act at this place?  The one helper every later feature calls.

Rule (属地管理): a staff member acts inside the territory of their home unit. A unit's territory is
the set of divisions assigned to it; a unit with none inherits its parent's (a department under the
city bureau covers the city). Superusers and administrators act everywhere. Citizens and users
without a unit act nowhere (they see their own reports, which later issues check separately).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from chengguan.core.errors import AccessDenied
from chengguan.org.codes import ancestor_codes, city_prefix
from chengguan.org.roles import Role


@dataclass(frozen=True)
class Territory:
    everywhere: bool
    codes: frozenset[str]  # district, street and community codes
    city_prefixes: frozenset[str]  # 4-digit prefixes of whole cities

    def covers_code(self, code: str) -> bool:
        if self.everywhere:
            return True
        if not code:
            return False
        if any(c in self.codes for c in ancestor_codes(code)):
            return True
        return city_prefix(code) in self.city_prefixes and len(code) >= 6


NOWHERE = Territory(False, frozenset(), frozenset())
EVERYWHERE = Territory(True, frozenset(), frozenset())


def territory_of(user: Any) -> Territory:
    """The territory a user acts in (cached on the user object for the request)."""
    cached = getattr(user, "_chengguan_territory", None)
    if cached is not None:
        return cached
    territory = _compute_territory(user)
    if getattr(user, "pk", None) is not None:
        user._chengguan_territory = territory
    return territory


def _compute_territory(user: Any) -> Territory:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOWHERE
    if not user.is_active:
        return NOWHERE
    if user.is_superuser:
        return EVERYWHERE
    if user.has_role(Role.ADMIN):
        return EVERYWHERE
    unit = user.unit
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        rows = list(unit.territory.values_list("code", "level"))
        if rows:
            codes = frozenset(code for code, level in rows if level != "city")
            cities = frozenset(city_prefix(code) for code, level in rows if level == "city")
            return Territory(False, codes, cities)
        unit = unit.parent
    return NOWHERE


def place_code(place: Any) -> str:
    """The most specific division or grid code of a place.

    A place is a division, a grid, a ``Location`` from ``geo.locate``, or a code string.
    """
    if isinstance(place, str):
        return place
    for attr in ("grid_code", "code"):
        value = getattr(place, attr, None)
        if isinstance(value, str) and value:
            return value
    raise TypeError(f"cannot tell where {place!r} is")


def can_act_at(user: Any, place: Any) -> bool:
    territory = territory_of(user)
    if territory.everywhere:
        return True
    return territory.covers_code(place_code(place))


def check_can_act_at(user: Any, place: Any) -> None:
    """Raise ``AccessDenied`` unless ``user`` may see and act at ``place``."""
    if not can_act_at(user, place):
        raise AccessDenied(field="location", place=place_code(place))


def territory_q(territory: Territory, field: str = "code") -> Q:
    """A filter for rows whose division or grid code (in ``field``) lies inside ``territory``.

    Division and grid codes extend their parents' codes, so "inside" is a prefix match; a city
    covers every code that shares its four-digit GB/T 2260 prefix. ``Q(pk__in=[])`` matches nothing.
    Everywhere is ``~Q(pk__in=[])`` rather than ``Q()``, which would vanish when OR-ed with another Q.
    """
    if territory.everywhere:
        return ~Q(pk__in=[])
    condition = Q(pk__in=[])
    for code in sorted(territory.codes):
        condition |= Q(**{f"{field}__startswith": code})
    for prefix in sorted(territory.city_prefixes):
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def filter_to_territory(queryset: Any, user: Any, field: str = "code") -> Any:
    """``queryset`` narrowed to the rows whose code in ``field`` lies in ``user``'s territory."""
    return queryset.filter(territory_q(territory_of(user), field))
