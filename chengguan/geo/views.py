"""GeoJSON layers for the maps in the admin (staff only, filtered by the viewer's territory).

``/geo/layers/<layer>.geojson`` returns a whole layer. Optional query parameters narrow it, so a map
can load only what it shows:

- ``prefix=CODE``: divisions and grids whose code starts with ``CODE`` (e.g. the grids of a community);
- ``level=district|street|community|city``: divisions of that level only;
- ``bbox=minlon,minlat,maxlon,maxlat``: features whose geometry meets the box (WGS84).

A bad parameter gets a 400 with a JSON body naming it.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chengguan.core.errors import InvalidInput
from chengguan.geo.exchange import CODED_LAYERS, LAYERS, export_layer
from chengguan.org.access import territory_of
from chengguan.org.models import DivisionLevel


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
    collection = export_layer(layer, territory=territory, prefix=prefix, level=level, bbox=bbox)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
