"""Admin for grids, roads, beats and vending zones, with map widgets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.geo.projection import area_m2, length_m
from chengguan.org.admin_base import (
    CommunityFilter,
    DistrictFilter,
    MapAdminMixin,
    StreetFilter,
    bbox_param,
)


def _layer_url(layer: str, query: str = "") -> str:
    url = reverse("geo:layer", args=[layer])
    return f"{url}?{query}" if query else url


def _hours(start: Any, end: Any) -> str:
    if start is None and end is None:
        return ""
    fmt = "%H:%M"
    return f"{start.strftime(fmt) if start else '…'}–{end.strftime(fmt) if end else '…'}"


@admin.register(Grid)
class GridAdmin(MapAdminMixin, admin.ModelAdmin):
    territory_code_field = "code"
    list_display = ("code", "name", "community", "inspector", "area")
    list_filter = (DistrictFilter, StreetFilter, CommunityFilter)
    list_select_related = ("community", "inspector")
    changelist_defer = ("community__boundary",)
    search_fields = ("^code", "name")
    autocomplete_fields = ("community", "inspector")
    fields = ("code", "name", "community", "inspector", "geometry", "area_m2")
    readonly_fields = ("area_m2",)
    list_per_page = 100

    @admin.display(description=_("area (m²)"), ordering="area_m2")
    def area(self, obj: Grid) -> str:
        return f"{obj.area_m2:,.0f}"

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        """The other grids of the same community (or the communities, for a new grid)."""
        if obj is None:
            return _layer_url("divisions", "level=community"), ""
        return _layer_url("grids", f"prefix={obj.community.code}"), obj.code

    def save_model(self, request: HttpRequest, obj: Grid, form: ModelForm, change: bool) -> None:
        if obj.geometry is not None:
            obj.area_m2 = area_m2(obj.geometry)
        super().save_model(request, obj, form, change)


@admin.register(Road)
class RoadAdmin(MapAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "grade", "length")
    list_filter = ("grade",)
    search_fields = ("^code", "name")
    fields = ("code", "name", "grade", "geometry", "length_m")
    readonly_fields = ("length_m",)
    list_per_page = 100

    @admin.display(description=_("length (m)"), ordering="length_m")
    def length(self, obj: Road) -> str:
        return f"{obj.length_m:,.0f}"

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        if obj is None:
            return _layer_url("divisions", "level=street"), ""
        return _layer_url("roads", f"bbox={bbox_param(obj.geometry)}"), obj.code

    def save_model(self, request: HttpRequest, obj: Road, form: ModelForm, change: bool) -> None:
        if obj.geometry is not None:
            obj.length_m = length_m(obj.geometry)
        super().save_model(request, obj, form, change)


@admin.register(Beat)
class BeatAdmin(MapAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "squadron", "officer", "post_type", "hours")
    list_filter = (("squadron", admin.RelatedOnlyFieldListFilter), "kind", "post_type")
    list_select_related = ("squadron", "officer")
    search_fields = ("^code", "name")
    autocomplete_fields = ("road", "squadron", "officer")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "road", "geometry")}),
        (_("Post assignment"), {"fields": ("squadron", "officer", "post_type", ("post_start", "post_end"))}),
    )
    list_per_page = 100

    @admin.display(description=_("post hours"))
    def hours(self, obj: Beat) -> str:
        return _hours(obj.post_start, obj.post_end)

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        """The roads around the beat (a road-stretch beat follows a road)."""
        if obj is None:
            return _layer_url("roads"), ""
        return _layer_url("roads", f"bbox={bbox_param(obj.geometry)}"), ""


@admin.register(VendingZone)
class VendingZoneAdmin(MapAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "hours", "weekdays", "goods", "capacity", "unit", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("unit",)
    search_fields = ("^code", "name", "permitted_goods")
    autocomplete_fields = ("unit",)
    fieldsets = (
        (None, {"fields": ("code", "name", "geometry", "unit", "is_active")}),
        (_("Opening"), {"fields": (("opens_at", "closes_at"), "weekdays", "permitted_goods", "capacity")}),
    )

    @admin.display(description=_("opening hours"))
    def hours(self, obj: VendingZone) -> str:
        return _hours(obj.opens_at, obj.closes_at)

    @admin.display(description=_("permitted goods"))
    def goods(self, obj: VendingZone) -> str:
        text = obj.permitted_goods or ""
        return text if len(text) <= 40 else text[:39] + "…"

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        """The grids around the zone."""
        if obj is None:
            return _layer_url("divisions", "level=community"), ""
        return _layer_url("grids", f"bbox={bbox_param(obj.geometry)}"), ""
