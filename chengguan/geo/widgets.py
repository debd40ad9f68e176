"""A map widget for ``GeometryField`` in the admin: Leaflet + geoman over a GeoJSON textarea.

The textarea stays in the page (inside a collapsible ``<details>``) and remains the value that is
submitted, so the field works by hand and without JavaScript; the script keeps map and text in step.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chengguan.geo import assets
from chengguan.geo.fields import LINEAR, POLYGONAL

Bounds = tuple[float, float, float, float]


def city_extent() -> Bounds | None:
    """Bounds (minlon, minlat, maxlon, maxlat) of the first city division with a boundary."""
    from chengguan.org.models import Division, DivisionLevel

    city = (
        Division.objects.filter(level=DivisionLevel.CITY, boundary__isnull=False)
        .order_by("code")
        .only("boundary")
        .first()
    )
    if city is None or city.boundary is None or city.boundary.is_empty:
        return None
    return tuple(float(v) for v in city.boundary.bounds)  # type: ignore[return-value]


def map_labels() -> dict[str, str]:
    """Translated labels the map scripts show (passed to the page with ``json_script``)."""
    return {
        "map": str(_("Map")),
        "invalid": str(_("The map can only show GeoJSON; this text will be checked when you save.")),
        "mixed": str(_("Lines and polygons cannot be mixed in one geometry; the last drawing was kept.")),
        "cleared": str(_("The geometry was removed.")),
        "updated": str(_("The geometry was updated from the map.")),
        "context": str(_("Neighbouring features")),
        "load_failed": str(_("A map layer could not be loaded.")),
    }


class GeometryWidget(forms.Textarea):
    """GeoJSON textarea with a Leaflet map for drawing and editing polygons or lines."""

    template_name = "geo/widgets/geometry.html"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        geom_types: tuple[str, ...] = (),
        context_url: str = "",
        context_exclude: str = "",
    ) -> None:
        defaults = {"rows": 6, "cols": 80, "class": "geojson vLargeTextField", "spellcheck": "false"}
        if attrs:
            defaults.update(attrs)
        super().__init__(defaults)
        self.geom_types = tuple(geom_types)
        self.context_url = context_url
        self.context_exclude = context_exclude

    class Media:
        css = {"all": (assets.LEAFLET_CSS, assets.GEOMAN_CSS, assets.MAPS_CSS)}
        js = (assets.LEAFLET_JS, assets.GEOMAN_JS, assets.MAPS_COMMON_JS, assets.GEOMETRY_WIDGET_JS)

    def draw_kinds(self) -> list[str]:
        kinds = []
        if not self.geom_types or set(self.geom_types) & set(POLYGONAL):
            kinds.append("polygon")
        if not self.geom_types or set(self.geom_types) & set(LINEAR):
            kinds.append("line")
        return kinds

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        config = {
            "textarea": widget_id,
            "draw": self.draw_kinds(),
            "multi": [t for t in self.geom_types if t.startswith("Multi")]
            or ["MultiPolygon", "MultiLineString"],
            "extent": city_extent(),
            "contextUrl": self.context_url,
            "contextExclude": self.context_exclude,
            "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
            "tileAttribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "labels": map_labels(),
        }
        context["widget"].update(
            {
                "map_id": f"{widget_id}_map",
                "config_id": f"{widget_id}_config",
                "status_id": f"{widget_id}_status",
                "config": config,
                "has_value": bool(context["widget"]["value"]),
            }
        )
        return context
