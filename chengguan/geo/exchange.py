"""The territory as GeoJSON FeatureCollections, one per layer.

Export: ``export_layer(layer, crs=…, territory=…)``. Import with validation lives in
``chengguan.geo.importing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shapely.geometry import mapping

from chengguan.geo.coords import CRS, geometry_from_wgs84, parse_crs
from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.org.access import Territory
from chengguan.org.models import Division

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


def _layer_rows(layer: str, territory: Territory | None) -> tuple[Iterable[Any], Callable[[Any], dict], str]:
    if layer == "divisions":
        qs = Division.objects.select_related("parent").order_by("code")
        rows: Iterable[Any] = qs
        if territory is not None and not territory.everywhere:
            rows = [d for d in qs if d.level == "city" or territory.covers_code(d.code)]
        return rows, _division_props, "boundary"
    if layer == "grids":
        qs = Grid.objects.select_related("community", "inspector").order_by("code")
        rows = qs
        if territory is not None and not territory.everywhere:
            rows = [g for g in qs if territory.covers_code(g.code)]
        return rows, _grid_props, "geometry"
    if layer == "roads":
        return Road.objects.order_by("code"), _road_props, "geometry"
    if layer == "beats":
        return (
            Beat.objects.select_related("road", "squadron", "officer").order_by("code"),
            _beat_props,
            "geometry",
        )
    if layer == "vending_zones":
        return VendingZone.objects.select_related("unit").order_by("code"), _zone_props, "geometry"
    raise KeyError(layer)


def export_layer(
    layer: str, *, crs: CRS | str = CRS.WGS84, territory: Territory | None = None
) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (coordinates in ``crs``)."""
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    rows, props, geom_attr = _layer_rows(layer, territory)
    features = []
    for row in rows:
        geom = getattr(row, geom_attr)
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
