"""GeoJSON layers for the maps in the admin (staff only, filtered by the viewer's territory)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from chengguan.geo.exchange import LAYERS, export_layer
from chengguan.org.access import territory_of


@require_GET
@staff_member_required
def layer_geojson(request: HttpRequest, layer: str) -> JsonResponse:
    if layer not in LAYERS:
        raise Http404(layer)
    territory = territory_of(request.user)
    collection = export_layer(layer, territory=territory)
    return JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
