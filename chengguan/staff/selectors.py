"""Reads behind the staff pages. Every case list starts from ``get_cases_visible_to(user)``.

Each function runs a bounded number of queries whatever the number of cases: lists are sliced or
paginated, figures are aggregated in SQL, related rows come with ``select_related``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from chengguan.cases.access import get_cases_visible_to
from chengguan.cases.duplicates import EARTH_RADIUS_M, distance_m, get_policy
from chengguan.cases.intake import CASE_OWNER_TYPE
from chengguan.cases.models import OPEN_STATES, Case, CaseEvent, CaseState, ExtensionRequest, ExtensionStatus
from chengguan.catalog.models import Category
from chengguan.core.clock import city_now, city_zone
from chengguan.evaluation.access import unit_subtree_ids
from chengguan.evidence.models import Evidence
from chengguan.evidence.selectors import evidence_for
from chengguan.geo.models import Beat, BeatKind, Grid
from chengguan.geo.projection import LocalProjection
from chengguan.geo.widgets import city_extent
from chengguan.staff.labels import event_label, state_label
from chengguan.staff.models import Patrol, PatrolPosition

# States in which a unit works on a case (its work list).
UNIT_WORK_STATES = (CaseState.DISPATCHED, CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.HANDLED)
QUEUE_SIZE = 30
MAP_MARKER_LIMIT = 1000
COVERAGE_POSITION_LIMIT = 20_000


def _list_related(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("category", "suggested_unit", "assigned_unit")


def get_queue(user: Any, *, limit: int = QUEUE_SIZE) -> list[Case]:
    """New reports waiting for registration, and registered or returned cases waiting for dispatch."""
    visible = get_cases_visible_to(user)
    return list(
        _list_related(
            visible.filter(state__in=(CaseState.REPORTED, CaseState.REGISTERED, CaseState.RETURNED))
        ).order_by("-reported_at", "-pk")[:limit]
    )


def duplicate_hints(cases: list[Case]) -> dict[int, list[Case]]:
    """Possible duplicates of each new report, in one query (the rule of ``cases.duplicates``)."""
    policy = get_policy()
    radius = float(policy.duplicate_radius_m)
    window = dt.timedelta(hours=float(policy.duplicate_window_hours))
    reports = [case for case in cases if case.state == CaseState.REPORTED]
    if not reports or radius <= 0 or window <= dt.timedelta(0):
        return {}
    condition = Q(pk__in=[])
    for case in reports:
        dlat = math.degrees(radius / EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(case.lat)), 1e-6)
        condition |= Q(
            category_id=case.category_id,
            reported_at__gte=case.reported_at - window,
            reported_at__lte=case.reported_at + window,
            lon__gte=case.lon - dlon,
            lon__lte=case.lon + dlon,
            lat__gte=case.lat - dlat,
            lat__lte=case.lat + dlat,
        )
    candidates = list(
        Case.objects.filter(condition, state__in=OPEN_STATES, merged_into__isnull=True)
        .only("pk", "number", "category_id", "lon", "lat", "reported_at", "state")
        .order_by("-reported_at")[:500]
    )
    hints: dict[int, list[Case]] = {}
    for case in reports:
        near = [
            other
            for other in candidates
            if other.pk != case.pk
            and other.category_id == case.category_id
            and abs(other.reported_at - case.reported_at) <= window
            and distance_m(case.lon, case.lat, other.lon, other.lat) <= radius
        ]
        if near:
            hints[case.pk] = near[:5]
    return hints


def get_overdue(user: Any) -> QuerySet[Case]:
    """Open cases whose current step is overdue, the longest overdue first."""
    return _list_related(
        get_cases_visible_to(user).filter(state__in=OPEN_STATES, current_due__lt=timezone.now())
    ).order_by("current_due", "pk")


SEARCH_SCOPES = ("open", "overdue", "closed", "all")


@dataclass
class CaseFilter:
    q: str = ""
    state: str = ""
    category: int | None = None
    source: str = ""
    scope: str = "all"
    district: str = ""


def parse_filter(params: Any) -> CaseFilter:
    """Filters from a query string; unknown values are ignored rather than refused."""
    f = CaseFilter()
    f.q = str(params.get("q", "")).strip()[:40]
    state = params.get("state", "")
    f.state = state if state in CaseState.values else ""
    try:
        f.category = int(params.get("category") or 0) or None
    except (TypeError, ValueError):
        f.category = None
    source = params.get("source", "")
    from chengguan.cases.models import Source

    f.source = source if source in Source.values else ""
    scope = params.get("scope", "all")
    f.scope = scope if scope in SEARCH_SCOPES else "all"
    district = str(params.get("district", "")).strip()
    f.district = district if district.isdigit() and len(district) == 6 else ""
    return f


def search_cases(user: Any, f: CaseFilter) -> QuerySet[Case]:
    qs = get_cases_visible_to(user)
    if f.q:
        qs = qs.filter(
            Q(number__startswith=f.q)
            | Q(address__icontains=f.q)
            | Q(description__icontains=f.q)
            | Q(grid_code__startswith=f.q)
        )
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.district:
        qs = qs.filter(district_code=f.district)
    if f.scope == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif f.scope == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, current_due__lt=timezone.now())
    elif f.scope == "closed":
        qs = qs.filter(state=CaseState.CLOSED)
    return _list_related(qs).order_by("-reported_at", "-pk")


def get_unit_work(user: Any) -> QuerySet[Case]:
    """The cases of the user's unit and the units under it, the nearest deadline first."""
    if getattr(user, "unit_id", None) is None:
        return Case.objects.none()
    units = unit_subtree_ids(user.unit_id)
    return _list_related(
        get_cases_visible_to(user).filter(assigned_unit_id__in=units, state__in=UNIT_WORK_STATES)
    ).order_by(F("current_due").asc(nulls_last=True), "pk")


def get_verification_tasks(user: Any) -> QuerySet[Case]:
    """Handled cases the inspector must check on site: theirs, or in their territory with nobody named."""
    return _list_related(
        get_cases_visible_to(user)
        .filter(state=CaseState.HANDLED)
        .filter(Q(verifier=user) | Q(verifier__isnull=True))
    ).order_by(F("current_due").asc(nulls_last=True), "pk")


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        return None
    if (
        len(parts) != 4
        or not all(math.isfinite(p) for p in parts)
        or parts[0] > parts[2]
        or parts[1] > parts[3]
    ):
        return None
    return parts[0], parts[1], parts[2], parts[3]


MARKER_SCOPES = ("queue", "open", "overdue")


def case_markers(
    user: Any, *, scope: str = "open", bbox: tuple[float, float, float, float] | None = None
) -> list[dict[str, Any]]:
    """Visible cases as map markers (plain rows, newest first, at most ``MAP_MARKER_LIMIT``)."""
    qs = get_cases_visible_to(user)
    if scope == "queue":
        qs = qs.filter(state__in=(CaseState.REPORTED, CaseState.REGISTERED, CaseState.RETURNED))
    elif scope == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, current_due__lt=timezone.now())
    else:
        qs = qs.filter(state__in=OPEN_STATES)
    if bbox is not None:
        qs = qs.filter(lon__gte=bbox[0], lat__gte=bbox[1], lon__lte=bbox[2], lat__lte=bbox[3])
    now = timezone.now()
    rows = qs.order_by("-reported_at").values(
        "pk",
        "number",
        "state",
        "lon",
        "lat",
        "category__name_zh",
        "category__name_en",
        "current_due",
        "address",
    )[:MAP_MARKER_LIMIT]
    zh = (translation_language() or "").startswith("zh")
    return [
        {
            "id": r["pk"],
            "number": r["number"],
            "state": r["state"],
            "state_label": str(CaseState(r["state"]).label),
            "lon": r["lon"],
            "lat": r["lat"],
            "category": r["category__name_zh"] if zh else (r["category__name_en"] or r["category__name_zh"]),
            "address": r["address"],
            "overdue": bool(r["current_due"] and r["current_due"] < now),
        }
        for r in rows
    ]


def translation_language() -> str:
    from django.utils.translation import get_language

    return (get_language() or settings.LANGUAGE_CODE).lower()


# --- one case ---------------------------------------------------------------------------------


def get_timeline(case: Case) -> list[CaseEvent]:
    """The case's events, oldest first, each with ``label`` and ``state_label`` (new state, if it changed)."""
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = event_label(event.action)  # type: ignore[attr-defined]
        changed = event.to_state and event.to_state != event.from_state
        event.state_label = state_label(event.to_state) if changed else ""  # type: ignore[attr-defined]
    return events


def get_case_evidence(case: Case) -> list[Evidence]:
    return list(evidence_for(CASE_OWNER_TYPE, str(case.pk)).select_related("uploaded_by"))


def get_pending_extensions(case: Case) -> list[ExtensionRequest]:
    return list(case.extensions.filter(status=ExtensionStatus.PENDING).select_related("requested_by"))


def get_case_evidence_item(case: Case, evidence_id: int) -> Evidence | None:
    return evidence_for(CASE_OWNER_TYPE, str(case.pk)).filter(pk=evidence_id).first()


# --- the leader's dashboard -------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=city_zone())


def dashboard_counts(user: Any) -> dict[str, int]:
    """Today's and this month's intake and closures, open and overdue cases, in one query."""
    now = timezone.now()
    today = city_now().date()
    day0 = _day_start(today)
    month0 = _day_start(today.replace(day=1))
    visible = get_cases_visible_to(user)
    # one narrow count per figure: each reads only the rows its index selects
    month = visible.filter(reported_at__gte=month0).aggregate(
        reported_month=Count("pk"), reported_today=Count("pk", filter=Q(reported_at__gte=day0))
    )
    closed = visible.filter(closed_at__gte=month0).aggregate(
        closed_month=Count("pk"), closed_today=Count("pk", filter=Q(closed_at__gte=day0))
    )
    running = visible.filter(state__in=OPEN_STATES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(current_due__lt=now))
    )
    return {
        "reported_today": month["reported_today"],
        "closed_today": closed["closed_today"],
        "reported_month": month["reported_month"],
        "closed_month": closed["closed_month"],
        "open": running["open"],
        "overdue": running["overdue"],
    }


@dataclass
class Series:
    days: list[dt.date]
    reported: list[int]
    closed: list[int]

    def rows(self) -> list[tuple[dt.date, int, int]]:
        return list(zip(self.days, self.reported, self.closed, strict=True))


def daily_series(user: Any, *, days: int = 30) -> Series:
    """Reports and closures per city-local day over the last ``days`` days (two grouped queries)."""
    today = city_now().date()
    first = today - dt.timedelta(days=days - 1)
    start = _day_start(first)
    visible = get_cases_visible_to(user)

    all_days = [first + dt.timedelta(days=i) for i in range(days)]
    bounds = [_day_start(d) for d in all_days] + [_day_start(today + dt.timedelta(days=1))]

    def per_day(field_name: str) -> list[int]:
        # one conditional count per city-local day, over the window's rows only (no per-row date function)
        counts = visible.filter(**{f"{field_name}__gte": start}).aggregate(
            **{
                f"d{i}": Count(
                    "pk", filter=Q(**{f"{field_name}__gte": bounds[i], f"{field_name}__lt": bounds[i + 1]})
                )
                for i in range(days)
            }
        )
        return [counts[f"d{i}"] for i in range(days)]

    return Series(all_days, per_day("reported_at"), per_day("closed_at"))


@dataclass
class CategoryRow:
    category: Category
    reported: int
    closed: int


def category_breakdown(user: Any, *, limit: int = 12) -> list[CategoryRow]:
    """This month's reports and closures by category, the most reported first."""
    today = city_now().date()
    month0 = _day_start(today.replace(day=1))
    visible = get_cases_visible_to(user)

    def per_category(field_name: str) -> dict[int, int]:
        # grouped by an expression, not the column: SQLite then reads the month's rows through the
        # date index instead of walking the whole category index
        rows = (
            visible.filter(**{f"{field_name}__gte": month0})
            .annotate(cat=ExpressionWrapper(F("category_id") + 0, output_field=IntegerField()))
            .values("cat")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {row["cat"]: row["n"] for row in rows}

    reported, closed = per_category("reported_at"), per_category("closed_at")
    ids = sorted(
        reported.keys() | closed.keys(), key=lambda pk: (-reported.get(pk, 0), -closed.get(pk, 0), pk)
    )[:limit]
    categories = Category.objects.in_bulk(ids)
    return [CategoryRow(categories[pk], reported.get(pk, 0), closed.get(pk, 0)) for pk in ids]


@dataclass
class HeatCell:
    west: float
    south: float
    east: float
    north: float
    open: int
    overdue: int


@dataclass
class HeatGrid:
    cells: list[HeatCell] = field(default_factory=list)
    extent: tuple[float, float, float, float] | None = None
    max_open: int = 0


def heat_grid(user: Any, *, divisions: int = 24) -> HeatGrid:
    """Open and overdue cases counted in square-ish cells over their extent (two aggregate queries)."""
    now = timezone.now()
    open_cases = get_cases_visible_to(user).filter(state__in=OPEN_STATES)
    extent = city_extent()
    if extent is None:
        found = open_cases.aggregate(w=Min("lon"), s=Min("lat"), e=Max("lon"), n=Max("lat"))
        if found["w"] is None:
            return HeatGrid()
        extent = (found["w"], found["s"], found["e"], found["n"])
    w, s, e, n = extent
    size = max(e - w, n - s, 1e-4) / divisions
    # cases lie inside the city, so the offsets are not negative and truncation is the floor
    rows = (
        open_cases.annotate(
            ix=Cast((F("lon") - w) / size, IntegerField()), iy=Cast((F("lat") - s) / size, IntegerField())
        )
        .values("ix", "iy")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(current_due__lt=now)))
        .order_by()
    )
    cells = []
    for row in rows:
        ix, iy = int(row["ix"]), int(row["iy"])
        x0, y0 = w + ix * size, s + iy * size
        cells.append(HeatCell(x0, y0, x0 + size, y0 + size, row["open"], row["overdue"]))
    return HeatGrid(cells, (w, s, e + 1e-9, n + 1e-9), max((c.open for c in cells), default=0))


# --- patrols and coverage ---------------------------------------------------------------------


def get_recent_patrols(person: Any, *, limit: int = 10) -> list[Patrol]:
    return list(Patrol.objects.filter(person=person).order_by("-started_at")[:limit])


@dataclass
class CoverageRow:
    code: str
    name: str
    kind: str  # "grid" or "beat"
    covered: float  # share 0..1
    geometry: Any


@dataclass
class Coverage:
    since: dt.datetime
    rows: list[CoverageRow]
    points: list[tuple[float, float]]

    @property
    def share(self) -> float | None:
        return sum(r.covered for r in self.rows) / len(self.rows) if self.rows else None

    @property
    def share_pct(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


def get_positions(person: Any, since: dt.datetime) -> list[tuple[float, float]]:
    return list(
        PatrolPosition.objects.filter(patrol__person=person, at__gte=since)
        .order_by("-at")
        .values_list("lon", "lat")[:COVERAGE_POSITION_LIMIT]
    )


def coverage_of(person: Any, *, since: dt.datetime) -> Coverage:
    """How much of the person's grids (inspectors) and beats (officers) their patrols since ``since`` covered.

    A grid counts as covered when a position lies in it; a beat by the share of its road (or area)
    within ``BEAT_ROAD_DISTANCE_M`` of a position.
    """
    points = get_positions(person, since)
    rows: list[CoverageRow] = []
    grids = list(Grid.objects.filter(inspector=person).only("code", "name", "geometry").order_by("code"))
    beats = list(
        Beat.objects.filter(officer=person).only("code", "name", "kind", "geometry").order_by("code")
    )
    if points:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
    for grid in grids:
        hit = bool(points) and bool(shapely.contains_xy(grid.geometry, xs, ys).any())
        rows.append(
            CoverageRow(grid.code, grid.name or grid.code, "grid", 1.0 if hit else 0.0, grid.geometry)
        )
    reach = float(getattr(settings, "BEAT_ROAD_DISTANCE_M", 30.0))
    for beat in beats:
        rows.append(
            CoverageRow(beat.code, beat.name, "beat", _beat_share(beat, points, reach), beat.geometry)
        )
    return Coverage(since, rows, points)


def _beat_share(beat: Beat, points: list[tuple[float, float]], reach: float) -> float:
    if not points or beat.geometry is None or beat.geometry.is_empty:
        return 0.0
    c = beat.geometry.centroid
    plane = LocalProjection(c.x, c.y)
    geom = plane.project(beat.geometry)
    x, y = plane.to_xy([p[0] for p in points], [p[1] for p in points])
    near = shapely.buffer(shapely.points(x, y), reach)
    seen = shapely.union_all(near)
    if beat.kind == BeatKind.ROAD:
        total = geom.length
        return float(geom.intersection(seen).length / total) if total else 0.0
    total = geom.area
    return float(geom.intersection(seen).area / total) if total else 0.0


# --- the squadron leader's beats and roster ---------------------------------------------------


def get_roster(user: Any) -> list[Beat]:
    """The beats of the user's squadron (and squadrons under the user's unit), with their officers."""
    if getattr(user, "unit_id", None) is None:
        return []
    units = unit_subtree_ids(user.unit_id)
    return list(
        Beat.objects.filter(squadron_id__in=units)
        .select_related("officer", "squadron", "road")
        .order_by("code")
    )


def get_officer_positions(beats: list[Beat]) -> dict[int, tuple[float, float, dt.datetime]]:
    """The last position of each beat officer on a running patrol (one query)."""
    officers = {b.officer_id for b in beats if b.officer_id}
    if not officers:
        return {}
    latest: dict[int, tuple[float, float, dt.datetime]] = {}
    rows = (
        PatrolPosition.objects.filter(patrol__person_id__in=officers, patrol__ended_at__isnull=True)
        .order_by("patrol__person_id", "-at")
        .values_list("patrol__person_id", "lon", "lat", "at")[:5000]
    )
    for person, lon, lat, at in rows:
        latest.setdefault(person, (lon, lat, at))
    return latest


def group_counts(cases: list[Case]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for case in cases:
        counts[case.state] += 1
    return dict(counts)
