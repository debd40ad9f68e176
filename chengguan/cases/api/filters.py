"""Query parameters of ``GET /api/v1/cases/``: validated strictly, then applied as database filters.

Every filter narrows the queryset the viewer may see (``selectors.get_cases_visible_to``); none of
them widens it. A bad value gets a 400 naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from chengguan.cases.api.serializers import AwareDateTimeField, StrictSerializer
from chengguan.cases.models import OPEN_STATES, Case, CaseState, Source
from chengguan.catalog.models import CategoryKind

EARTH_RADIUS_M = 6_371_008.8
MAX_RADIUS_M = 50_000.0
DEADLINE_STATUSES = ("on_time", "due_soon", "overdue")
ORDERINGS = {
    "reported_at": (F("reported_at").asc(), F("pk").asc()),
    "-reported_at": (F("reported_at").desc(), F("pk").desc()),
    "current_due": (F("current_due").asc(nulls_last=True), F("pk").asc()),
    "-current_due": (F("current_due").desc(nulls_last=True), F("pk").desc()),
}
# Query parameters that belong to the pagination and rendering, not to the filters.
PASS_THROUGH = frozenset({"page", "format"})


class CommaListField(serializers.CharField):
    """``a,b,c`` → ``["a", "b", "c"]``, each one of ``choices``."""

    default_error_messages = {"choice": gettext_lazy("{value} is not one of: {choices}.")}

    def __init__(self, choices: list[str], **kwargs: Any) -> None:
        self.choice_values = list(choices)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:  # type: ignore[override]
        text = super().to_internal_value(data)
        values = [v.strip() for v in text.split(",") if v.strip()]
        for value in values:
            if value not in self.choice_values:
                self.fail("choice", value=value, choices=", ".join(self.choice_values))
        return values


class CodePrefixField(serializers.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            r"^\d{1,15}\Z",
            max_length=15,
            error_messages={"invalid": gettext_lazy("Give the digits of a division or grid code.")},
            **kwargs,
        )


class NearField(serializers.CharField):
    """``lon,lat`` in WGS84."""

    default_error_messages = {"invalid": gettext_lazy("Give near as lon,lat (WGS84 degrees).")}

    def to_internal_value(self, data: Any) -> tuple[float, float]:  # type: ignore[override]
        text = super().to_internal_value(data)
        parts = text.split(",")
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            self.fail("invalid")
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            self.fail("invalid")
        return lon, lat


class CaseListQuerySerializer(StrictSerializer):
    """The filters of the case list (all optional; unknown parameters are refused)."""

    state = CommaListField(CaseState.values, help_text=gettext_lazy("Comma-separated states."))
    category = serializers.RegexField(
        r"^(?:(?:component|event):)?\d{4}\Z",
        required=False,
        help_text=gettext_lazy("Category code (0504, or event:0504)."),
    )
    kind = serializers.ChoiceField(choices=CategoryKind.choices, required=False)
    district = CodePrefixField()
    street = CodePrefixField()
    community = CodePrefixField()
    grid = CodePrefixField()
    unit = serializers.CharField(required=False, max_length=32, help_text=gettext_lazy("Assigned unit code."))
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    deadline_status = CommaListField(list(DEADLINE_STATUSES))
    source = CommaListField(Source.values)
    reported_after = AwareDateTimeField(required=False)
    reported_before = AwareDateTimeField(required=False)
    updated_after = AwareDateTimeField(required=False)
    near = NearField(required=False, max_length=100)
    radius_m = serializers.FloatField(required=False, min_value=1, max_value=MAX_RADIUS_M)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), default="-reported_at")

    def to_internal_value(self, data: Any) -> Any:
        data = {k: v for k, v in data.items() if k not in PASS_THROUGH}
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "radius_m" in attrs and "near" not in attrs:
            raise serializers.ValidationError({"radius_m": [_("radius_m needs near=lon,lat.")]})
        return attrs


def filter_cases(queryset: QuerySet[Case], params: dict[str, Any], *, now: dt.datetime) -> QuerySet[Case]:
    """``queryset`` narrowed by the validated ``params`` of ``CaseListQuerySerializer``, ordered."""
    qs = queryset
    if params.get("state"):
        qs = qs.filter(state__in=params["state"])
    if params.get("category"):
        kind, _sep, code = params["category"].rpartition(":")
        qs = qs.filter(category__code=code, **({"category__kind": kind} if kind else {}))
    if params.get("kind"):
        qs = qs.filter(category__kind=params["kind"])
    for name, column in (
        ("district", "district_code"),
        ("street", "street_code"),
        ("community", "community_code"),
        ("grid", "grid_code"),
    ):
        if params.get(name):
            qs = qs.filter(**{f"{column}__startswith": params[name]})
    if params.get("unit"):
        qs = qs.filter(assigned_unit__code=params["unit"])
    if params.get("source"):
        qs = qs.filter(source__in=params["source"])
    if params.get("reported_after"):
        qs = qs.filter(reported_at__gte=params["reported_after"])
    if params.get("reported_before"):
        qs = qs.filter(reported_at__lt=params["reported_before"])
    if params.get("updated_after"):
        qs = qs.filter(updated_at__gt=params["updated_after"])
    if params.get("overdue") is True:
        qs = qs.filter(overdue_q(now))
    elif params.get("overdue") is False:
        qs = qs.exclude(overdue_q(now))
    if params.get("deadline_status"):
        qs = filter_deadline_status(qs, params["deadline_status"], now=now)
    if params.get("near"):
        lon, lat = params["near"]
        qs = filter_near(qs, lon, lat, params.get("radius_m", 500.0))
    return qs.order_by(*ORDERINGS[params.get("ordering") or "-reported_at"])


def overdue_q(now: dt.datetime) -> Q:
    """Open cases whose current step's deadline has passed."""
    return Q(state__in=OPEN_STATES, current_due__isnull=False, current_due__lt=now)


def filter_deadline_status(qs: QuerySet[Case], statuses: list[str], *, now: dt.datetime) -> QuerySet[Case]:
    """Cases whose ``selectors.deadline_status`` is one of ``statuses``.

    ``overdue`` is a database condition. ``on_time`` and ``due_soon`` depend on how much of the
    step's limit is left, so the database narrows to open cases whose deadline is still ahead and
    ``deadline_status`` decides each of those (a bounded set: the open, running cases).
    """
    from chengguan.cases import selectors

    condition = Q(pk__in=[])
    if "overdue" in statuses:
        condition |= overdue_q(now)
    wanted = {s for s in statuses if s != "overdue"}
    if wanted:
        running = qs.filter(state__in=OPEN_STATES, current_due__isnull=False, current_due__gte=now)
        ids = [
            case.pk
            for case in running.select_related("category")
            if selectors.deadline_status(case, now) in wanted
        ]
        condition |= Q(pk__in=ids)
    return qs.filter(condition)


def filter_near(qs: QuerySet[Case], lon: float, lat: float, radius_m: float) -> QuerySet[Case]:
    """Cases within ``radius_m`` metres of (lon, lat): a bounding box, then the distance, both in SQL.

    The distance is measured in the local equirectangular plane around (lon, lat), which over at most
    ``MAX_RADIUS_M`` differs from the great-circle distance by far less than a GPS fix.
    """
    ky = math.radians(1.0) * EARTH_RADIUS_M
    kx = ky * max(math.cos(math.radians(lat)), 1e-6)
    dlat, dlon = radius_m / ky, radius_m / kx
    boxed = qs.filter(lon__gte=lon - dlon, lon__lte=lon + dlon, lat__gte=lat - dlat, lat__lte=lat + dlat)
    dx = (F("lon") - lon) * kx
    dy = (F("lat") - lat) * ky
    return boxed.alias(distance2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())).filter(
        distance2__lte=radius_m * radius_m
    )
