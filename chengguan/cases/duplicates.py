"""Possible duplicates of a report: open cases of the same category, near in space and time.

The operator then merges the report into one of them (``workflow.merge``) or keeps both.
"""

from __future__ import annotations

import datetime as dt
import math

from chengguan.cases.models import OPEN_STATES, Case, SupervisionPolicy

EARTH_RADIUS_M = 6_371_008.8
# A hotspot (a flooded road reported two hundred times) must not make every new report slower:
# the newest candidates in the window are measured, and the nearest few are proposed.
MAX_CANDIDATES = 200
MAX_PROPOSED = 10


def get_policy() -> SupervisionPolicy:
    """The supervision policy row (defaults if an administrator deleted it)."""
    return SupervisionPolicy.objects.filter(pk=1).first() or SupervisionPolicy(
        pk=1, escalate_after_hours=[4, 16]
    )


def distance_m(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p0, p1 = math.radians(lat0), math.radians(lat1)
    dp, dl = p1 - p0, math.radians(lon1 - lon0)
    a = math.sin(dp / 2) ** 2 + math.cos(p0) * math.cos(p1) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def find_duplicates(case: Case, *, policy: SupervisionPolicy | None = None) -> list[Case]:
    """Open, unmerged cases of ``case``'s category within the policy's radius and time window,
    nearest first (then the earliest): at most ``MAX_PROPOSED``, from the ``MAX_CANDIDATES``
    newest cases in the window's bounding box."""
    policy = policy or get_policy()
    radius = float(policy.duplicate_radius_m)
    window = dt.timedelta(hours=float(policy.duplicate_window_hours))
    if radius <= 0 or window <= dt.timedelta(0):
        return []
    dlat = math.degrees(radius / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(case.lat)), 1e-6)
    candidates = (
        Case.objects.filter(
            category_id=case.category_id,
            state__in=OPEN_STATES,
            merged_into__isnull=True,
            reported_at__gte=case.reported_at - window,
            reported_at__lte=case.reported_at + window,
            lon__gte=case.lon - dlon,
            lon__lte=case.lon + dlon,
            lat__gte=case.lat - dlat,
            lat__lte=case.lat + dlat,
        )
        .exclude(pk=case.pk)
        .select_related("category")
        .order_by("-reported_at", "-pk")[:MAX_CANDIDATES]
    )
    near = []
    for other in candidates:
        d = distance_m(case.lon, case.lat, other.lon, other.lat)
        if d <= radius:
            near.append((d, other.reported_at, other.pk, other))
    near.sort(key=lambda row: row[:3])
    return [row[3] for row in near[:MAX_PROPOSED]]
