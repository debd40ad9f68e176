"""Small synthetic territories (plain geometry, no database) for the locate index tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box

from chengguan.geo.locate import BeatRecord, GridRecord, Officer, Place, Territory, ZoneRecord
from chengguan.geo.locate_index import Frame

LON0, LAT0 = 121.50, 29.80
SPAN = 0.004  # about 390 m × 440 m
NO_OFFICER = -1


def voronoi_grids(seed: int, n: int, *, span: float = SPAN) -> list:
    """``n`` Voronoi cells tiling a square: every interior edge is shared by two cells."""
    rng = np.random.default_rng(seed)
    frame = box(LON0, LAT0, LON0 + span, LAT0 + span)
    sites = shapely.multipoints(np.column_stack([LON0 + rng.random(n) * span, LAT0 + rng.random(n) * span]))
    cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=frame))
    cells = shapely.intersection(cells, frame)
    return [c for c in cells if not c.is_empty and c.area > 0]


def odd_polygons(seed: int, n: int, *, span: float = SPAN) -> list:
    """Overlapping polygons of several shapes: with holes, multipolygons, thin slivers."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        cx, cy = LON0 + rng.random() * span, LAT0 + rng.random() * span
        r = span * (0.03 + 0.2 * rng.random())
        kind = k % 4
        if kind == 0:
            out.append(
                Point(cx, cy).buffer(r, quad_segs=3).difference(Point(cx, cy).buffer(r / 2, quad_segs=2))
            )
        elif kind == 1:
            out.append(
                shapely.MultiPolygon(
                    [box(cx, cy, cx + r, cy + r), box(cx + 2 * r, cy, cx + 3 * r, cy + r / 3)]
                )
            )
        elif kind == 2:
            out.append(box(cx, cy, cx + r * 2, cy + r / 50))  # a sliver thinner than a cell
        else:
            angles = np.sort(rng.random(7)) * 2 * np.pi
            radii = r * (0.3 + rng.random(7))
            out.append(
                shapely.Polygon(np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)]))
            )
    return [shapely.make_valid(p) if not p.is_valid else p for p in out]


def random_lines(seed: int, n: int, *, span: float = SPAN) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        k = int(rng.integers(2, 5))
        pts = np.column_stack([LON0 + rng.random(k) * span, LAT0 + rng.random(k) * span])
        out.append(LineString(pts))
    return out


def synthetic_territory(seed: int, *, grids: int = 40) -> Territory:
    grid_geoms = voronoi_grids(seed, grids)
    community = Place("330203001001", "测试社区")
    street = Place("330203001", "测试街道")
    district = Place("330203", "测试区")
    squadrons = [Place("SQ-A", "甲中队"), Place("SQ-B", "乙中队")]
    grid_records = [
        GridRecord(f"330203001001{k + 1:03d}", g, community, street, district, squadron=k % 2)
        for k, g in enumerate(grid_geoms)
    ]
    # Codes deliberately not in geometry order, so "smallest code" is tested, not "first given".
    grid_records.reverse()
    lines = random_lines(seed + 1, 6)
    areas = odd_polygons(seed + 2, 4)
    beats = [
        BeatRecord(f"B{k:02d}", f"路段{k}", g, squadron=k % 2, officer=k % 3) for k, g in enumerate(lines)
    ]
    beats += [
        BeatRecord(f"A{k:02d}", f"片区{k}", g, squadron=1, officer=NO_OFFICER) for k, g in enumerate(areas)
    ]
    zone_geoms = odd_polygons(seed + 3, 4)
    zones = [
        ZoneRecord(f"Z{k}", f"疏导点{k}", g, dt.time(8), dt.time(20), "1234567", is_active=(k != 3))
        for k, g in enumerate(zone_geoms)
    ]
    officers = [Officer(1, "陈刚"), Officer(2, "王明"), Officer(3, "李强")]
    return Territory(grid_records, beats, zones, squadrons, officers)


def adversarial_points(
    geoms: list, frame: Frame, rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vertices, points on edges, and points a hair away from cell borders."""
    coords = shapely.get_coordinates(np.asarray(geoms, dtype=object))
    vertices = coords[rng.integers(0, len(coords), n)]
    a = coords[rng.integers(0, len(coords) - 1, n)]
    b_i = rng.integers(0, len(coords) - 1, n)
    b = coords[np.minimum(b_i + 1, len(coords) - 1)]
    t = rng.random((n, 1))
    on_edges = a + (b - a) * t  # consecutive coordinates: mostly on a real edge
    halves = (a + b) / 2
    # Just below, on and just above cell borders.
    cu = rng.integers(0, frame.nx, n)
    cv = rng.integers(0, frame.ny, n)
    nudge = rng.choice([-1e-12, 0.0, 1e-12, -1e-9, 1e-9], size=n)
    border_lon = frame.lon_min + cu / frame.su + nudge
    border_lat = frame.lat_min + cv / frame.sv + rng.random(n) / frame.sv
    border_lat2 = frame.lat_min + cv / frame.sv + nudge
    border_lon2 = frame.lon_min + cu / frame.su + rng.random(n) / frame.su
    lon = np.concatenate([vertices[:, 0], on_edges[:, 0], halves[:, 0], border_lon, border_lon2])
    lat = np.concatenate([vertices[:, 1], on_edges[:, 1], halves[:, 1], border_lat, border_lat2])
    return lon, lat
