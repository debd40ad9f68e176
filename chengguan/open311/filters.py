"""``GET requests``: every filter of the spec and of the common extensions, and the pagination.

Spec: ``service_request_id`` (comma-separated; overrides every other filter), ``service_code``
(comma-separated), ``start_date`` / ``end_date`` on the requested time (at most 90 days apart; the last
90 days when no date filter is given), ``status`` (``open``, ``closed`` or both).
Extensions: ``updated_after`` / ``updated_before`` (strictly after / before, on the updated time),
``lat`` + ``long`` [+ ``radius`` in metres] (nearest first; within the radius), ``bbox`` =
``left,bottom,right,top`` (lon, lat, lon, lat), ``page`` (1-based) and ``page_size`` (or ``per_page``).
An argument passed empty counts as absent, as the spec says.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.cases.models import Case
from chengguan.catalog.models import Category
from chengguan.geo.projection import LocalProjection
from chengguan.open311.codes import STATUSES, parse_service_code, states_of
from chengguan.open311.datetimes import parse_datetime_arg
from chengguan.open311.errors import Open311Error

MAX_RANGE = dt.timedelta(days=90)
MAX_RADIUS_M = 50_000.0
MAX_IDS = 1000


def max_requests() -> int:
    return int(getattr(settings, "OPEN311_MAX_REQUESTS", 1000))


def arg(query: QueryDict, name: str) -> str:
    """The argument ``name`` stripped; an empty one is the same as none."""
    return (query.get(name) or "").strip()


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _number(query: QueryDict, name: str, low: float, high: float) -> float | None:
    text = arg(query, name)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise Open311Error(
            400,
            _("%(name)s: %(value)r is not a number from %(low)s to %(high)s.")
            % {"name": name, "value": text[:64], "low": low, "high": high},
        )
    return number


def _positive_int(query: QueryDict, names: tuple[str, ...], default: int) -> int:
    for name in names:
        text = arg(query, name)
        if not text:
            continue
        if not text.isdigit() or int(text) < 1 or len(text) > 9:
            raise Open311Error(
                400,
                _("%(name)s: %(value)r is not a whole number from 1.") % {"name": name, "value": text[:64]},
            )
        return int(text)
    return default


@dataclass(frozen=True)
class Point:
    lon: float
    lat: float

    def distance_m(self, lon: float, lat: float) -> float:
        x, y = LocalProjection(self.lon, self.lat).to_xy(lon, lat)
        return math.hypot(float(x), float(y))


@dataclass
class Query:
    cases: QuerySet[Case]
    page: int
    page_size: int
    point: Point | None
    extensions: bool


def extensions_wanted(query: QueryDict) -> bool:
    value = arg(query, "extensions").lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise Open311Error(400, _("extensions: use true or false."))


def _by_ids(cases: QuerySet[Case], value: str) -> QuerySet[Case]:
    ids = _csv(value)
    if len(ids) > MAX_IDS:
        raise Open311Error(400, _("service_request_id: at most %(n)s ids at a time.") % {"n": MAX_IDS})
    return cases.filter(number__in=ids)


def _by_service_codes(cases: QuerySet[Case], value: str) -> QuerySet[Case]:
    wanted = []
    for code in _csv(value):
        parsed = parse_service_code(code)
        category = Category.objects.filter(kind=parsed[0], code=parsed[1]).first() if parsed else None
        if category is None:
            raise Open311Error(400, _("service_code: there is no service %(code)s.") % {"code": code[:64]})
        wanted.append(category.pk)
    return cases.filter(category_id__in=wanted)


def _by_status(cases: QuerySet[Case], value: str) -> QuerySet[Case]:
    statuses = {s.lower() for s in _csv(value)}
    unknown = statuses - set(STATUSES)
    if unknown:
        raise Open311Error(
            400,
            _("status: %(value)r is not a status; use open, closed or open,closed.")
            % {"value": sorted(unknown)[0][:64]},
        )
    states = [state for status in sorted(statuses) for state in states_of(status)]
    return cases.filter(state__in=states)


def _by_dates(cases: QuerySet[Case], query: QueryDict, now: dt.datetime) -> QuerySet[Case]:
    start = parse_datetime_arg("start_date", arg(query, "start_date"))
    end = parse_datetime_arg("end_date", arg(query, "end_date"))
    after = parse_datetime_arg("updated_after", arg(query, "updated_after"))
    before = parse_datetime_arg("updated_before", arg(query, "updated_before"))
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, _("end_date: it lies before start_date."))
        if end - start > MAX_RANGE:
            raise Open311Error(400, _("start_date, end_date: the range may not exceed 90 days."))
    elif start is not None:
        end = start + MAX_RANGE
    elif end is not None:
        start = end - MAX_RANGE
    elif after is None and before is None:
        # the spec's default: the last 90 days
        start, end = now - MAX_RANGE, None
    if after is not None and before is not None and before <= after:
        raise Open311Error(400, _("updated_before: it must lie after updated_after."))
    if start is not None:
        cases = cases.filter(reported_at__gte=start)
    if end is not None:
        cases = cases.filter(reported_at__lte=end)
    if after is not None:
        cases = cases.filter(updated_at__gt=after)
    if before is not None:
        cases = cases.filter(updated_at__lt=before)
    return cases


def _by_bbox(cases: QuerySet[Case], value: str) -> QuerySet[Case]:
    parts = _csv(value)
    try:
        left, bottom, right, top = (float(p) for p in parts)
    except ValueError:
        left = bottom = right = top = math.nan
    numbers = (left, bottom, right, top)
    if (
        len(parts) != 4
        or not all(math.isfinite(n) for n in numbers)
        or not (-180 <= left <= right <= 180 and -90 <= bottom <= top <= 90)
    ):
        raise Open311Error(
            400, _("bbox: give left,bottom,right,top as longitude,latitude,longitude,latitude (WGS84).")
        )
    return cases.filter(lon__gte=left, lon__lte=right, lat__gte=bottom, lat__lte=top)


def _near(cases: QuerySet[Case], query: QueryDict) -> tuple[QuerySet[Case], Point | None]:
    lat = _number(query, "lat", -90.0, 90.0)
    lon = _number(query, "long", -180.0, 180.0)
    radius = _number(query, "radius", 0.0, MAX_RADIUS_M)
    if lat is None and lon is None:
        if radius is not None:
            raise Open311Error(400, _("radius: give lat and long with it."))
        return cases, None
    if lat is None or lon is None:
        raise Open311Error(400, _("lat, long: give both, or neither."))
    point = Point(lon, lat)
    projection = LocalProjection(lon, lat)
    kx, ky = projection.kx, projection.ky
    # squared distance on the city's local plane (exact enough within a city; portable SQL)
    dx = (F("lon") - Value(lon)) * Value(kx)
    dy = (F("lat") - Value(lat)) * Value(ky)
    cases = cases.annotate(distance2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
    if radius is not None:
        # a bounding box first (uses the coordinates, cheap), then the circle
        dlon, dlat = radius / kx, radius / ky
        cases = cases.filter(
            lon__gte=lon - dlon, lon__lte=lon + dlon, lat__gte=lat - dlat, lat__lte=lat + dlat
        ).filter(distance2__lte=radius * radius)
    return cases, point


def parse_query(query: QueryDict, *, now: dt.datetime | None = None) -> Query:
    """The cases a ``GET requests`` asks for, in answer order, with its page."""
    now = now or timezone.now()
    extensions = extensions_wanted(query)
    page = _positive_int(query, ("page",), 1)
    page_size = min(_positive_int(query, ("page_size", "per_page"), max_requests()), max_requests())
    cases: QuerySet[Case] = Case.objects.all()
    ids = arg(query, "service_request_id")
    if ids:
        cases = _by_ids(cases, ids).order_by("-reported_at", "-pk")
        return Query(cases, page, page_size, None, extensions)
    if arg(query, "service_code"):
        cases = _by_service_codes(cases, arg(query, "service_code"))
    if arg(query, "status"):
        cases = _by_status(cases, arg(query, "status"))
    cases = _by_dates(cases, query, now)
    if arg(query, "bbox"):
        cases = _by_bbox(cases, arg(query, "bbox"))
    cases, point = _near(cases, query)
    order: list[Any] = ["distance2"] if point is not None else []
    cases = cases.order_by(*order, "-reported_at", "-pk")
    return Query(cases, page, page_size, point, extensions)
