"""The territory as GeoJSON FeatureCollections, one per layer.

Export: ``export_layer(layer, crs=…, territory=…, prefix=…, level=…, bbox=…)``. Import with validation lives in
``chengguan.geo.importing``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shapely
from django.db.models import Q, QuerySet
from shapely.geometry import box, mapping

from chengguan.geo.coords import CRS, geometry_from_wgs84, parse_crs
from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.org.access import Territory, territory_q
from chengguan.org.models import Division, DivisionLevel

# Layer order is the import order: each layer may refer to the ones before it.
LAYERS = ("divisions", "grids", "roads", "beats", "vending_zones")


def _time(value: Any) -> str | None:
    """HH:MM, or HH:MM:SS when there are seconds (so the import gets back exactly what was stored)."""
    if value is None:
        return None
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _division_props(d: Division) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "level": d.level,
        "parent": d.parent.code if d.parent_id else None,
    }


def _grid_props(g: Grid) -> dict[str, Any]:
    return {
        "code": g.code,
        "name": g.name,
        "community": g.community.code,
        "inspector": g.inspector.username if g.inspector_id else None,
        "area_m2": round(g.area_m2, 1),
    }


def _road_props(r: Road) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "grade": r.grade, "length_m": round(r.length_m, 1)}


def _beat_props(b: Beat) -> dict[str, Any]:
    return {
        "code": b.code,
        "name": b.name,
        "kind": b.kind,
        "road": b.road.code if b.road_id else None,
        "squadron": b.squadron.code,
        "officer": b.officer.username if b.officer_id else None,
        "post_type": b.post_type,
        "post_start": _time(b.post_start),
        "post_end": _time(b.post_end),
    }


def _zone_props(z: VendingZone) -> dict[str, Any]:
    return {
        "code": z.code,
        "name": z.name,
        "opens_at": _time(z.opens_at),
        "closes_at": _time(z.closes_at),
        "weekdays": z.weekdays,
        "permitted_goods": z.permitted_goods,
        "capacity": z.capacity,
        "unit": z.unit.code if z.unit_id else None,
        "is_active": z.is_active,
    }


CODED_LAYERS = ("divisions", "grids")


def _layer_rows(
    layer: str, territory: Territory | None, prefix: str, level: str
) -> tuple[QuerySet, Callable[[Any], dict], str]:
    """The layer's rows, narrowed in the database to the territory, a code prefix and a level."""
    if layer == "divisions":
        qs = Division.objects.select_related("parent").order_by("code")
        if territory is not None and not territory.everywhere:
            # the city row stays: it frames every map
            qs = qs.filter(Q(level=DivisionLevel.CITY) | territory_q(territory))
        if level:
            qs = qs.filter(level=level)
        rows, props, geom_attr = qs, _division_props, "boundary"
    elif layer == "grids":
        qs = Grid.objects.select_related("community", "inspector").order_by("code")
        if territory is not None and not territory.everywhere:
            qs = qs.filter(territory_q(territory))
        rows, props, geom_attr = qs, _grid_props, "geometry"
    elif layer == "roads":
        rows, props, geom_attr = Road.objects.order_by("code"), _road_props, "geometry"
    elif layer == "beats":
        rows = Beat.objects.select_related("road", "squadron", "officer").order_by("code")
        props, geom_attr = _beat_props, "geometry"
    elif layer == "vending_zones":
        rows, props, geom_attr = (
            VendingZone.objects.select_related("unit").order_by("code"),
            _zone_props,
            "geometry",
        )
    else:
        raise KeyError(layer)
    if prefix and layer in CODED_LAYERS:
        rows = rows.filter(code__startswith=prefix)
    return rows, props, geom_attr


def export_layer(
    layer: str,
    *,
    crs: CRS | str = CRS.WGS84,
    territory: Territory | None = None,
    prefix: str = "",
    level: str = "",
    bbox: tuple[float, float, float, float] | None = None,
) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (coordinates in ``crs``).

    ``territory`` keeps the divisions and grids inside it (and the city row); ``prefix`` keeps the
    divisions and grids whose code starts with it; ``level`` keeps divisions of that level; ``bbox``
    (WGS84 ``minlon, minlat, maxlon, maxlat``) keeps the features whose geometry meets the box.
    """
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    rows, props, geom_attr = _layer_rows(layer, territory, prefix, level)
    area = box(*bbox) if bbox is not None else None
    if area is not None:
        shapely.prepare(area)
    features = []
    for row in rows:
        geom = getattr(row, geom_attr)
        if area is not None and (geom is None or not area.intersects(geom)):
            continue
        if geom is not None:
            geom = geometry_from_wgs84(geom, crs)
        features.append(
            {
                "type": "Feature",
                "properties": props(row),
                "geometry": mapping(geom) if geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "name": layer, "crs_name": str(crs), "features": features}
