"""Vending zones (疏导点 / 早夜市) for the citizen side and for intake.

``permitting_zone(category, location, at)`` answers "is this vending report inside a zone open at that
moment?": a report of a vending category (the policy's ``vending_categories``, e.g. 占道经营) at a
point inside a vending zone open then is permitted vending, not a violation. The lead wires it into
intake; the public map shows the zones with their hours and permitted goods.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chengguan.catalog.models import Category
from chengguan.core.errors import ChengguanError
from chengguan.core.memo import ConfigMemo
from chengguan.geo.locate import Location, locate
from chengguan.geo.models import VendingZone
from chengguan.portal.models import PortalPolicy

# the policy's vending categories, asked for every report at intake
_vending_keys = ConfigMemo("portal.vending-categories", [PortalPolicy])


def category_key(category: Any) -> str | None:
    """``"kind:code"`` of a category given as an instance, ``"kind:code"`` or a primary key."""
    if isinstance(category, Category):
        return f"{category.kind}:{category.code}"
    if isinstance(category, str) and ":" in category:
        kind, _sep, code = category.partition(":")
        return f"{kind.strip()}:{code.strip()}"
    try:
        pk = int(category)
    except (TypeError, ValueError):
        return None
    row = Category.objects.filter(pk=pk).values_list("kind", "code").first()
    return f"{row[0]}:{row[1]}" if row else None


def is_vending_category(category: Any) -> bool:
    from chengguan.portal.services import get_policy

    key = category_key(category)
    return key is not None and key in _vending_keys.get(
        "vending-categories", lambda: frozenset(get_policy().vending_categories or ())
    )


def permitting_zone(
    category: Any, location: Location | tuple[float, float], at: dt.datetime | None
) -> VendingZone | None:
    """The vending zone that makes a report of ``category`` at ``location`` and moment ``at`` permitted
    vending, or None (not a vending category, outside every zone, or the zone is closed then).

    ``location`` is a ``geo.locate`` answer or a WGS84 ``(lon, lat)`` pair; ``at`` defaults to now.
    A point outside the city is simply not permitted (None).
    """
    if not is_vending_category(category):
        return None
    moment = at or timezone.now()
    if isinstance(location, Location):
        lon, lat = location.lon, location.lat
    else:
        lon, lat = location
    try:
        located = locate(lon, lat, at=moment)
    except ChengguanError:
        return None
    if located.vending_zone is None:
        return None
    return VendingZone.objects.filter(code=located.vending_zone.code, is_active=True).first()
