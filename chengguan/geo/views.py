"""GeoJSON layers for the maps in the admin (staff only, filtered by the viewer's territory).

``/geo/layers/<layer>.geojson`` returns a whole layer. Optional query parameters narrow it, so a map
can load only what it shows:

- ``prefix=CODE``: divisions and grids whose code starts with ``CODE`` (e.g. the grids of a community);
- ``level=district|street|community|city``: divisions of that level only;
- ``bbox=minlon,minlat,maxlon,maxlat``: features whose geometry meets the box (WGS84).

A bad parameter gets a 400 with a JSON body naming it.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import box, mapping

from chengguan.core.errors import InvalidInput
from chengguan.geo.exchange import LAYERS, _layer_rows, export_layer
from chengguan.org.access import territory_of
from chengguan.org.models import DivisionLevel

CODED_LAYERS = ("divisions", "grids")


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``"minlon,minlat,maxlon,maxlat"`` → a tuple of four floats, or ``InvalidInput``."""
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or not all(map(_finite, parts)) or parts[0] > parts[2] or parts[1] > parts[3]:
        raise InvalidInput(_("bbox must be minlon,minlat,maxlon,maxlat"), field="bbox")
    return parts  # type: ignore[return-value]


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")


def filtered_layer(
    layer: str,
    *,
    territory: Any,
    prefix: str = "",
    level: str = "",
    bbox: tuple[float, float, float, float] | None = None,
) -> dict[str, Any]:
    """A layer as a WGS84 FeatureCollection, narrowed in the database where it can be."""
    rows, props, geom_attr = _layer_rows(layer, None)
    if isinstance(rows, QuerySet):
        if prefix:
            rows = rows.filter(code__startswith=prefix)
        if level:
            rows = rows.filter(level=level)
    if territory is not None and not territory.everywhere and layer in CODED_LAYERS:
        rows = [
            r for r in rows if (layer == "divisions" and r.level == "city") or territory.covers_code(r.code)
        ]
    area = box(*bbox) if bbox is not None else None
    if area is not None:
        shapely.prepare(area)
    features = []
    for row in rows:
        geom = getattr(row, geom_attr)
        if area is not None and (geom is None or not area.intersects(geom)):
            continue
        features.append(
            {
                "type": "Feature",
                "properties": props(row),
                "geometry": mapping(geom) if geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "name": layer, "crs_name": "wgs84", "features": features}


@require_GET
@staff_member_required
def layer_geojson(request: HttpRequest, layer: str) -> JsonResponse:
    if layer not in LAYERS:
        raise Http404(layer)
    territory = territory_of(request.user)
    prefix = request.GET.get("prefix", "").strip()
    level = request.GET.get("level", "").strip()
    raw_bbox = request.GET.get("bbox", "").strip()
    try:
        if prefix and (not prefix.isdigit() or layer not in CODED_LAYERS):
            raise InvalidInput(_("prefix must be digits, on the divisions or grids layer"), field="prefix")
        if level and (level not in DivisionLevel.values or layer != "divisions"):
            raise InvalidInput(_("unknown division level"), field="level")
        bbox = parse_bbox(raw_bbox) if raw_bbox else None
    except InvalidInput as exc:
        return JsonResponse(exc.to_dict(), status=exc.http_status, json_dumps_params={"ensure_ascii": False})
    if not (prefix or level or bbox):
        collection = export_layer(layer, territory=territory)
    else:
        collection = filtered_layer(layer, territory=territory, prefix=prefix, level=level, bbox=bbox)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
