"""A pledge's record: the cases and violations in front of the shop, and the ranking of shops.

"In front of" a shop: within ``PledgePolicy.frontage_distance_m`` metres of the shop's point (measured
in the local metric plane, ``geo.projection.LocalProjection``) and in the same street (街道), so that
a point across a street boundary never counts. Only what happened while the pledge was valid counts,
within the window asked for. Cases merged into another, rejected (不予立案) or cancelled are not
breaches; a case that led to a recorded violation counts once, as the violation.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from chengguan.core.clock import city_zone
from chengguan.geo.projection import EARTH_RADIUS_M, LocalProjection
from chengguan.pledges.access import get_policy, get_shops_visible_to
from chengguan.pledges.models import Pledge, Shop

NOT_BREACHES = ("rejected", "merged", "cancelled")


def _moment(value: dt.date | dt.datetime, *, end: bool) -> dt.datetime:
    """A datetime stays; a date is a whole city day (``end``: the start of the next day)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("give an aware datetime")
        return value
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(0), tzinfo=city_zone())


def _window(
    pledge: Pledge, start: dt.date | dt.datetime, end: dt.date | dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` cut to the pledge's validity (``end`` as a date is included)."""
    lo = max(_moment(start, end=False), _moment(pledge.signed_on, end=False))
    hi = min(_moment(end, end=True), _moment(pledge.valid_until, end=True))
    return lo, hi


def _box(shop: Shop, metres: float) -> dict[str, float]:
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(shop.lat)), 1e-6)
    return {
        "lon__gte": shop.lon - dlon,
        "lon__lte": shop.lon + dlon,
        "lat__gte": shop.lat - dlat,
        "lat__lte": shop.lat + dlat,
    }


def distance_m(shop: Shop, lon: float, lat: float) -> float:
    x, y = LocalProjection(shop.lon, shop.lat).to_xy(lon, lat)
    return math.hypot(float(x), float(y))


def _in_front(shop: Shop, rows: QuerySet[Any], metres: float) -> list[Any]:
    return [r for r in rows.filter(**_box(shop, metres)) if distance_m(shop, r.lon, r.lat) <= metres]


def cases_in_front(shop: Shop, lo: dt.datetime, hi: dt.datetime, metres: float | None = None) -> list[Any]:
    from chengguan.cases.models import Case

    metres = float(metres if metres is not None else get_policy().frontage_distance_m)
    rows = (
        Case.objects.filter(street_code=shop.street_code, reported_at__gte=lo, reported_at__lt=hi)
        .exclude(state__in=NOT_BREACHES)
        .exclude(violations__isnull=False)
        .distinct()
    )
    return _in_front(shop, rows, metres)


def violations_in_front(
    shop: Shop, lo: dt.datetime, hi: dt.datetime, metres: float | None = None
) -> list[Any]:
    from chengguan.enforcement.models import Violation

    metres = float(metres if metres is not None else get_policy().frontage_distance_m)
    rows = Violation.objects.filter(
        grid_code__startswith=shop.street_code, occurred_at__gte=lo, occurred_at__lt=hi
    )
    return _in_front(shop, rows, metres)


@dataclass
class PledgeRecord:
    pledge: Pledge
    start: dt.datetime
    end: dt.datetime
    cases: list[Any] = field(default_factory=list)
    violations: list[Any] = field(default_factory=list)

    @property
    def breaches(self) -> int:
        return len(self.cases) + len(self.violations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pledge": self.pledge.pk,
            "shop": self.pledge.shop_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "cases": [
                {"id": c.pk, "number": c.number, "reported_at": c.reported_at.isoformat()} for c in self.cases
            ],
            "violations": [{"id": v.pk, "occurred_at": v.occurred_at.isoformat()} for v in self.violations],
            "case_count": len(self.cases),
            "violation_count": len(self.violations),
            "breaches": self.breaches,
        }


def pledge_record(pledge: Pledge, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> PledgeRecord:
    """The cases and violations in front of the pledge's shop between ``start`` and ``end`` (dates are
    whole city days, both included) while the pledge was valid."""
    lo, hi = _window(pledge, start, end)
    record = PledgeRecord(pledge, lo, hi)
    if lo >= hi:
        return record
    metres = float(get_policy().frontage_distance_m)
    record.cases = cases_in_front(pledge.shop, lo, hi, metres)
    record.violations = violations_in_front(pledge.shop, lo, hi, metres)
    return record


def ranking(start: dt.date | dt.datetime, end: dt.date | dt.datetime, *, actor: Any) -> list[PledgeRecord]:
    """The pledges in force in the window, for the shops ``actor`` sees, most breaches first."""
    shops = get_shops_visible_to(actor)
    lo, hi = _moment(start, end=False), _moment(end, end=True)
    last = (hi - dt.timedelta(microseconds=1)).astimezone(city_zone()).date()
    first = lo.astimezone(city_zone()).date()
    pledges = Pledge.objects.filter(
        shop__in=shops, signed_on__lte=last, valid_until__gte=first
    ).select_related("shop", "shop__party")
    records = [pledge_record(p, start, end) for p in pledges]
    return sorted(records, key=lambda r: (-r.breaches, r.pledge.shop.name, r.pledge.pk))
