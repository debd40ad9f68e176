"""The demo city: a realistic piece of central Ningbo (宁波), deterministic from a seed.

``plan_demo_city(seed)`` computes the whole city in memory, without touching the database;
``load_demo_city(seed)`` writes that plan into an empty database in one transaction.

The territory is built top-down in a local metric plane around 121.55 E, 29.87 N: an irregular
outline of about 25 km²; three districts divided by the three rivers that meet at 三江口; streets and
communities as Voronoi cells of k-means centres; unit grids as Voronoi cells of a jittered 100 m
lattice inside each community. All cell boundaries are then noded together on a 1e-7° grid and
polygonised into one planar partition, and every grid, community, street and district is made of
its faces: neighbours share identical vertices, and nothing overlaps or leaves a gap.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time as dtime
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, substring

from chengguan.core.errors import Conflict
from chengguan.geo.models import Beat, BeatKind, Grid, PostType, Road, RoadGrade, VendingZone
from chengguan.geo.projection import LocalProjection, area_m2, length_m
from chengguan.geo.versioning import bump_territory_version
from chengguan.org.models import Division, DivisionLevel, Unit, UnitKind, User
from chengguan.org.roles import Role
from chengguan.simulate import names

CENTRE_LON = 121.55
CENTRE_LAT = 29.87
PROJECTION = LocalProjection(CENTRE_LON, CENTRE_LAT)
GRID_SIZE_DEG = 1e-7  # all stored coordinates lie on this grid (about 1 cm)
CITY_AREA_M2 = 25e6
GRID_SPACING_M = 100.0  # 万米单元网格: about 10,000 m² each
COMMUNITY_AREA_M2 = 480_000.0
STRETCH_M = 600.0
ROAD_MARGIN_M = 20.0  # roads stay this far inside the city outline
DEMO_PASSWORD = "chengguan2026"


class DemoCityNotEmpty(Conflict):
    default_message = gettext_lazy(
        "The database already holds divisions; the demo city can only be loaded into an empty database."
    )


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    unit: str
    password: str


@dataclass
class DemoCityReport:
    seed: int
    districts: int = 0
    streets: int = 0
    communities: int = 0
    grids: int = 0
    roads: dict[str, int] = field(default_factory=dict)
    road_beats: int = 0
    area_beats: int = 0
    fixed_posts: int = 0
    vending_zones: int = 0
    units: int = 0
    users: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0


# --- the plan (pure data) --------------------------------------------------------------------


@dataclass
class PlanDivision:
    code: str
    name: str
    level: str
    parent: str | None
    geometry: BaseGeometry


@dataclass
class PlanGrid:
    code: str
    community: str
    geometry: BaseGeometry
    area_m2: float
    inspector: str


@dataclass
class PlanRoad:
    code: str
    name: str
    grade: str
    geometry: BaseGeometry
    length_m: float


@dataclass
class PlanBeat:
    code: str
    name: str
    kind: str
    road: str | None
    geometry: BaseGeometry
    squadron: str
    officer: str | None
    post_type: str
    post_start: dtime | None
    post_end: dtime | None


@dataclass
class PlanZone:
    code: str
    name: str
    geometry: BaseGeometry
    opens_at: dtime
    closes_at: dtime
    weekdays: str
    permitted_goods: str
    capacity: int
    unit: str


@dataclass
class PlanUnit:
    code: str
    name: str
    kind: str
    parent: str | None
    specialty: str = ""
    territory: list[str] = field(default_factory=list)
    phone: str = ""


@dataclass
class PlanUser:
    username: str
    name: str
    role: str
    unit: str | None
    badge_number: str = ""
    phone: str = ""
    is_superuser: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role != Role.CITIZEN


@dataclass
class CityPlan:
    seed: int
    divisions: list[PlanDivision]
    grids: list[PlanGrid]
    roads: list[PlanRoad]
    beats: list[PlanBeat]
    zones: list[PlanZone]
    units: list[PlanUnit]
    users: list[PlanUser]
    logins: list[tuple[str, str]]  # (role, username), one per role


# --- geometry helpers ------------------------------------------------------------------------


def _to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    return shapely.set_precision(PROJECTION.unproject(geom), GRID_SIZE_DEG)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _longest_line(geom: BaseGeometry) -> LineString | None:
    lines = [g for g in shapely.get_parts(shapely.line_merge(geom)) if g.geom_type == "LineString"]
    if not lines:
        return None
    return max(lines, key=lambda g: g.length)


def _largest_polygon(geom: BaseGeometry) -> Polygon | None:
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return max(polys, key=lambda g: g.area) if polys else None


def _sample_inside(rng: np.random.Generator, poly: BaseGeometry, n: int) -> np.ndarray:
    x0, y0, x1, y1 = poly.bounds
    found: list[np.ndarray] = []
    total = 0
    while total < n:
        pts = rng.uniform((x0, y0), (x1, y1), size=(2 * n, 2))
        pts = pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]
        found.append(pts)
        total += len(pts)
    return np.concatenate(found)[:n]


def _kmeans(
    rng: np.random.Generator, poly: BaseGeometry, init: np.ndarray, iterations: int = 12
) -> np.ndarray:
    """Centres of k roughly equal-area parts of ``poly`` (Lloyd's algorithm on sample points)."""
    pts = _sample_inside(rng, poly, 3000)
    centres = np.array(init, dtype=float)
    for _i in range(iterations):
        d = ((pts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        label = d.argmin(axis=1)
        for k in range(len(centres)):
            members = pts[label == k]
            centres[k] = members.mean(axis=0) if len(members) else pts[rng.integers(len(pts))]
    return centres


def _voronoi_parts(poly: BaseGeometry, centres: np.ndarray) -> list[BaseGeometry]:
    """Voronoi cells of ``centres`` clipped to ``poly``, in the order of the centres."""
    if len(centres) == 1:
        return [poly]
    cells = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=poly, ordered=True)
    return [_polygonal(shapely.intersection(cell, poly)) for cell in cells.geoms]


def _reading_order(geoms: list[BaseGeometry], row_height: float) -> list[int]:
    """Indices of ``geoms`` from north to south in rows of ``row_height``, west to east in a row."""
    reps = shapely.point_on_surface(np.array(geoms, dtype=object))
    xs, ys = shapely.get_x(reps), shapely.get_y(reps)
    top = ys.max()
    rows = np.floor((top - ys) / row_height)
    return sorted(range(len(geoms)), key=lambda i: (rows[i], xs[i], -ys[i]))


def _lonlat_midpoint(line_ll: BaseGeometry) -> Point:
    """The midpoint (by length in metres) of a lon/lat line."""
    return PROJECTION.unproject(PROJECTION.project(line_ll).interpolate(0.5, normalized=True))


# --- territory ---------------------------------------------------------------------------------


def _outline(rng: np.random.Generator) -> Polygon:
    theta = np.linspace(0.0, 2 * math.pi, 120, endpoint=False)
    phase = rng.uniform(0, 2 * math.pi, 4)
    r = (
        1
        + 0.11 * np.sin(2 * theta + phase[0])
        + 0.07 * np.sin(3 * theta + phase[1])
        + 0.04 * np.sin(5 * theta + phase[2])
        + 0.02 * np.sin(9 * theta + phase[3])
        + rng.normal(0.0, 0.006, theta.size)
    )
    shape = Polygon(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    k = math.sqrt(CITY_AREA_M2 / shape.area)
    return shapely.affinity.scale(shape, k, k, origin=(0, 0))


def _river(rng: np.random.Generator, start_deg: float, end_deg: float) -> np.ndarray:
    """A meandering river from 三江口 outwards; its heading turns from ``start_deg`` to ``end_deg``."""
    step, length = 50.0, 9000.0
    s = np.arange(0.0, length + step, step)
    wave = rng.uniform(1500, 3000)
    phase = rng.uniform(0, 2 * math.pi)
    turn = np.clip(s / 3500.0, 0, 1)
    heading = np.radians(
        start_deg + (end_deg - start_deg) * turn + 7.0 * np.sin(2 * math.pi * s / wave + phase)
    )
    dx = np.concatenate([[0.0], np.cumsum(np.cos(heading[1:]) * step)])
    dy = np.concatenate([[0.0], np.cumsum(np.sin(heading[1:]) * step)])
    return np.column_stack([dx, dy]) + np.array(names.SANJIANGKOU_XY)


def _sector(a: np.ndarray, b: np.ndarray) -> Polygon:
    """The land between river ``a`` and river ``b`` (counter-clockwise from a to b)."""
    j = np.array(names.SANJIANGKOU_XY)
    ang_a = math.atan2(*(a[-1] - j)[::-1])
    ang_b = math.atan2(*(b[-1] - j)[::-1])
    while ang_b <= ang_a:
        ang_b += 2 * math.pi
    arc_t = np.linspace(ang_a, ang_b, 48)[1:-1]
    arc = j + 20000.0 * np.column_stack([np.cos(arc_t), np.sin(arc_t)])
    ring = np.concatenate([a, arc, b[::-1]])
    return shapely.make_valid(Polygon(ring))


def _territory(rng: np.random.Generator) -> dict[str, Any]:
    city = _outline(rng)
    yong = _river(rng, 40.0, 30.0)  # 甬江 to the north-east
    yuyao = _river(rng, 142.0, 165.0)  # 余姚江 to the west-north-west
    fenghua = _river(rng, 258.0, 250.0)  # 奉化江 to the south-south-west
    sectors = {
        "330205": _sector(yong, yuyao),  # 江北区, north of the rivers
        "330203": _sector(yuyao, fenghua),  # 海曙区, west
        "330212": _sector(fenghua, yong),  # 鄞州区, east and south
    }
    districts: list[dict[str, Any]] = []
    for d_code, d_name, streets in names.DISTRICTS:
        d_poly = _polygonal(shapely.intersection(sectors[d_code], city))
        refs = np.array([xy for _n, xy in streets]) + rng.normal(0, 60, (len(streets), 2))
        centres = _kmeans(rng, d_poly, refs)
        street_polys = _voronoi_parts(d_poly, centres)
        gulou_at = Point(names.GULOU_XY)
        street_names = [n for n, _xy in streets]
        if d_code == names.DISTRICTS[0][0] and not street_polys[0].contains(gulou_at):
            # 鼓楼街道 must hold 鼓楼; swap names with the street that does.
            for i, sp in enumerate(street_polys):
                if sp.contains(gulou_at):
                    street_names[0], street_names[i] = street_names[i], street_names[0]
                    street_polys[0], street_polys[i] = street_polys[i], street_polys[0]
                    break
        districts.append(
            {"code": d_code, "name": d_name, "streets": list(zip(street_names, street_polys, strict=True))}
        )
    return {"city": city, "districts": districts, "rivers": [yong, yuyao, fenghua]}


def _plan_divisions(
    rng: np.random.Generator, tick: Callable[[str], None]
) -> tuple[list[PlanDivision], list[PlanGrid], dict[str, Any]]:
    terr = _territory(rng)
    city_xy: Polygon = terr["city"]
    tick(_("Streets and communities"))

    # Communities: k-means parts of each street, numbered north to south, west to east.
    community_names = iter(names.COMMUNITY_NAMES)
    communities: list[dict[str, Any]] = []  # code, name, street code, district code, polygon (x/y)
    streets: list[dict[str, Any]] = []
    for district in terr["districts"]:
        for s_index, (s_name, s_poly) in enumerate(district["streets"], start=1):
            s_code = f"{district['code']}{s_index:03d}"
            streets.append({"code": s_code, "name": s_name, "district": district["code"]})
            n = max(3, round(s_poly.area / COMMUNITY_AREA_M2 + rng.uniform(-0.4, 0.4)))
            init = _sample_inside(rng, s_poly, n)
            parts = [p for p in _voronoi_parts(s_poly, _kmeans(rng, s_poly, init)) if not p.is_empty]
            for c_index, i in enumerate(_reading_order(parts, 600.0), start=1):
                name = next(community_names, None) or f"{s_name[:-2]}第{c_index}社区"
                communities.append(
                    {"code": f"{s_code}{c_index:03d}", "name": name, "street": s_code, "poly": parts[i]}
                )
    tick(_("Unit grids"))

    # Grid cells: Voronoi cells of a jittered lattice, inside each community.
    x0, y0, x1, y1 = city_xy.bounds
    xs = np.arange(x0 - GRID_SPACING_M, x1 + GRID_SPACING_M, GRID_SPACING_M)
    ys = np.arange(y0 - GRID_SPACING_M, y1 + GRID_SPACING_M, GRID_SPACING_M)
    gx, gy = np.meshgrid(xs, ys)
    lattice = np.column_stack([gx.ravel(), gy.ravel()])
    lattice += rng.uniform(-0.35 * GRID_SPACING_M, 0.35 * GRID_SPACING_M, lattice.shape)
    cells: list[BaseGeometry] = []
    cell_community: list[int] = []
    for ci, comm in enumerate(communities):
        poly = comm["poly"]
        seeds = lattice[shapely.contains_xy(poly, lattice[:, 0], lattice[:, 1])]
        if len(seeds) < 3:
            seeds = _sample_inside(rng, poly, 3)
        for cell in _voronoi_parts(poly, seeds):
            if not cell.is_empty:
                cells.append(cell)
                cell_community.append(ci)

    # One planar partition: node every cell boundary on the 1e-7° grid, then polygonise.
    cells_ll = PROJECTION.unproject(np.array(cells, dtype=object))
    noded = shapely.union_all(shapely.boundary(cells_ll), grid_size=GRID_SIZE_DEG)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    reps_x, reps_y = PROJECTION.to_xy(*shapely.get_coordinates(shapely.point_on_surface(faces)).T)
    tree = shapely.STRtree(cells)
    face_idx, cell_idx = tree.query(shapely.points(reps_x, reps_y), predicate="within")
    owner = np.full(len(faces), -1)
    owner[face_idx] = cell_idx
    for f in np.flatnonzero(owner < 0):  # a face outside every cell (should not happen): nearest cell
        owner[f] = tree.query_nearest(Point(reps_x[f], reps_y[f]))[0]
    faces_of_cell: dict[int, list[BaseGeometry]] = {}
    for f, c in enumerate(owner):
        faces_of_cell.setdefault(int(c), []).append(faces[f])
    grid_geoms_by_comm: dict[int, list[BaseGeometry]] = {}
    for c in sorted(faces_of_cell):
        parts = faces_of_cell[c]
        geom = parts[0] if len(parts) == 1 else shapely.coverage_union_all(parts)
        for part in shapely.get_parts(geom):  # a cell cut in two by a community corner: two grids
            grid_geoms_by_comm.setdefault(cell_community[c], []).append(part)
    tick(_("Divisions"))

    divisions: list[PlanDivision] = []
    grids: list[PlanGrid] = []
    street_faces: dict[str, list[BaseGeometry]] = {}
    comm_divs: list[PlanDivision] = []
    for ci, comm in enumerate(communities):
        geoms = grid_geoms_by_comm.get(ci, [])
        if not geoms:
            continue
        order = _reading_order([PROJECTION.project(g) for g in geoms], GRID_SPACING_M)
        for g_index, i in enumerate(order, start=1):
            grids.append(
                PlanGrid(
                    code=f"{comm['code']}{g_index:03d}",
                    community=comm["code"],
                    geometry=geoms[i],
                    area_m2=area_m2(geoms[i]),
                    inspector="",
                )
            )
        comm_divs.append(
            PlanDivision(comm["code"], comm["name"], DivisionLevel.COMMUNITY, comm["street"], _union(geoms))
        )
        street_faces.setdefault(comm["street"], []).extend(geoms)
    street_divs = [
        PlanDivision(
            s["code"], s["name"], DivisionLevel.STREET, s["district"], _union(street_faces[s["code"]])
        )
        for s in streets
    ]
    district_divs = []
    for district in terr["districts"]:
        faces_d = [f for s in streets if s["district"] == district["code"] for f in street_faces[s["code"]]]
        district_divs.append(
            PlanDivision(
                district["code"], district["name"], DivisionLevel.DISTRICT, names.CITY_CODE, _union(faces_d)
            )
        )
    all_faces = [f for fs in street_faces.values() for f in fs]
    city_div = PlanDivision(names.CITY_CODE, names.CITY_NAME, DivisionLevel.CITY, None, _union(all_faces))
    divisions = [city_div, *district_divs, *street_divs, *comm_divs]
    return divisions, grids, {"city_xy": city_xy}


def _union(geoms: list[BaseGeometry]) -> BaseGeometry:
    merged = shapely.coverage_union_all(geoms)
    return _polygonal(merged)


# --- roads, beats, vending zones -------------------------------------------------------------


def _lattice_offsets(rng: np.random.Generator, lo: float, hi: float) -> list[float]:
    offsets = []
    v = lo + rng.uniform(350, 600)
    while v < hi - 300:
        offsets.append(float(v))
        v += rng.uniform(700, 900)
    return offsets


def _curvy(rng: np.random.Generator, axis: str, offset: float, amplitude: float) -> LineString:
    """A gently curving road along ``axis`` (``ns``: north to south, ``ew``: west to east)."""
    t = np.arange(-4500.0, 4501.0, 40.0)
    wave = rng.uniform(2500, 5000)
    phase = rng.uniform(0, 2 * math.pi)
    tilt = rng.uniform(-0.02, 0.02)
    d = offset + amplitude * np.sin(2 * math.pi * t / wave + phase) + tilt * t
    if axis == "ns":
        return LineString(np.column_stack([d, t[::-1]]))
    return LineString(np.column_stack([t, d]))


def _split_name(line: LineString, name: str, axis: str) -> list[tuple[str, LineString]]:
    """Split "甲|乙" roads at 三江口: west|east for east-west roads, north|south for north-south roads."""
    if "|" not in name:
        return [(name, line)]
    first, second = name.split("|")
    jx, jy = names.SANJIANGKOU_XY
    big = 1e6
    if axis == "ew":
        halves = [box(-big, -big, jx, big), box(jx, -big, big, big)]
    else:
        halves = [box(-big, jy, big, big), box(-big, -big, big, jy)]
    west_or_north = _longest_line(line.intersection(halves[0]))
    east_or_south = _longest_line(line.intersection(halves[1]))
    lengths = [p.length if p is not None else 0.0 for p in (west_or_north, east_or_south)]
    if west_or_north is not None and east_or_south is not None and min(lengths) >= 300:
        return [(first, west_or_north), (second, east_or_south)]
    return [(first if lengths[0] >= lengths[1] else second, line)]


@dataclass
class _RoadXY:
    name: str
    grade: str
    line: LineString
    axis: str


def _plan_roads(
    rng: np.random.Generator, city_xy: Polygon, home: BaseGeometry
) -> tuple[list[_RoadXY], dict[str, Any]]:
    """Main and secondary roads on a curved lattice, alleys inside its blocks.

    鼓楼步行街 runs north-south through 鼓楼 and stays inside ``home`` (the territory of squadron 2).
    """
    inner = city_xy.buffer(-ROAD_MARGIN_M)
    x0, y0, x1, y1 = city_xy.bounds
    roads: list[_RoadXY] = []
    lattice_lines: list[LineString] = []
    main_ns = _lattice_offsets(rng, x0, x1)
    main_ew = sorted(_lattice_offsets(rng, y0, y1), reverse=True)  # north to south
    secondary_pool = iter(names.SECONDARY)

    def add(axis: str, offset: float, amplitude: float, grade: str, name: str) -> None:
        full = _curvy(rng, axis, offset, amplitude)
        lattice_lines.append(full)
        clipped = _longest_line(full.intersection(inner))
        if clipped is None or clipped.length < 250:
            return
        for piece_name, piece in _split_name(clipped, name, axis):
            roads.append(_RoadXY(piece_name, grade, piece, axis))

    for i, y in enumerate(main_ew):
        add("ew", y, rng.uniform(15, 40), RoadGrade.MAIN, names.MAIN_EW[i % len(names.MAIN_EW)])
    for i, x in enumerate(main_ns):
        add("ns", x, rng.uniform(15, 40), RoadGrade.MAIN, names.MAIN_NS[i % len(names.MAIN_NS)])
    for a, b in pairwise(main_ns):
        add(
            "ns",
            (a + b) / 2 + rng.uniform(-60, 60),
            rng.uniform(5, 20),
            RoadGrade.SECONDARY,
            next(secondary_pool),
        )
    for a, b in pairwise(main_ew):
        add(
            "ew",
            (a + b) / 2 + rng.uniform(-60, 60),
            rng.uniform(5, 20),
            RoadGrade.SECONDARY,
            next(secondary_pool),
        )

    # Blocks: the faces between main and secondary roads inside the city.
    noded = shapely.union_all([*lattice_lines, inner.exterior])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    blocks = [f for f in faces if inner.contains(f.representative_point()) and f.area > 2000]

    # Alleys inside blocks; 鼓楼步行街 runs north-south through 鼓楼.
    gulou = Point(names.GULOU_XY)
    gulou_block = min(range(len(blocks)), key=lambda i: blocks[i].distance(gulou))
    alley_pool = iter(names.ALLEYS)
    used_names: set[str] = set()
    named_roads = list(roads)
    gulou_alley: LineString | None = None
    for bi, block in enumerate(blocks):
        if bi == gulou_block:
            # Through the middle of 鼓楼's block, as far as can be from the roads alongside it.
            here = _largest_polygon(block.intersection(home)) or block
            middle = polylabel(here, tolerance=1.0)
            line = LineString([(middle.x, middle.y - 3000), (middle.x, middle.y + 3000)])
            piece = _piece_near(line.intersection(here), middle)
            if piece is not None:
                roads.append(_RoadXY(names.ALLEY_GULOU, RoadGrade.ALLEY, piece, "ns"))
                gulou_alley = piece
            continue
        count = 0 if block.area < 20_000 else (1 if block.area < 100_000 else 2)
        for _k in range(count):
            p = _sample_inside(rng, block.buffer(-30), 1)[0] if block.buffer(-30).area > 0 else None
            vertical = bool(rng.integers(2))
            angle = math.radians((90.0 if vertical else 0.0) + rng.uniform(-10, 10))
            if p is None:
                continue
            d = np.array([math.cos(angle), math.sin(angle)]) * 3000
            line = LineString([p - d, p + d])
            piece = _piece_near(line.intersection(block), Point(p))
            if piece is None or piece.length < 80:
                continue
            name = next(alley_pool, None)
            if name is None:
                nearest = min(named_roads, key=lambda r: r.line.distance(piece))
                number = int(rng.integers(3, 60)) * 2 + 1
                name = f"{nearest.name}{number}弄"
                while name in used_names:
                    number += 2
                    name = f"{nearest.name}{number}弄"
            used_names.add(name)
            roads.append(_RoadXY(name, RoadGrade.ALLEY, piece, "ns" if vertical else "ew"))
    return roads, {"blocks": blocks, "gulou_block": gulou_block, "gulou_alley": gulou_alley, "inner": inner}


def _piece_near(geom: BaseGeometry, p: Point) -> LineString | None:
    lines = [g for g in shapely.get_parts(geom) if g.geom_type == "LineString"]
    near = [g for g in lines if g.distance(p) < 1e-6]
    return near[0] if near else None


def _block_neighbours(blocks: list[Polygon]) -> dict[int, list[int]]:
    tree = shapely.STRtree(blocks)
    left, right = tree.query(blocks, predicate="intersects")
    neighbours: dict[int, list[int]] = {i: [] for i in range(len(blocks))}
    for a, b in zip(left, right, strict=True):
        if a < b and blocks[a].boundary.intersection(blocks[b].boundary).length > 5:
            neighbours[int(a)].append(int(b))
            neighbours[int(b)].append(int(a))
    return neighbours


def _zone_in_block(rng: np.random.Generator, block: Polygon) -> Polygon | None:
    centre = polylabel(block, tolerance=2.0)
    if block.exterior.distance(centre) < 45:
        return None
    target = rng.uniform(3000, 8000)
    aspect = rng.uniform(0.6, 1.6)
    w = math.sqrt(target * aspect)
    h = target / w
    rect = shapely.affinity.rotate(box(-w / 2, -h / 2, w / 2, h / 2), rng.uniform(-25, 25), origin=(0, 0))
    rect = shapely.affinity.translate(rect, centre.x, centre.y)
    zone = _largest_polygon(rect.intersection(block.buffer(-8)))
    if zone is None or not 2500 <= zone.area <= 9500:
        return None
    return zone


def roads_crossed(a: BaseGeometry, b: BaseGeometry, roads: list[BaseGeometry], tolerance: float) -> int:
    """How many of ``roads`` the shortest way from ``a`` to ``b`` crosses or touches."""
    path = shapely.shortest_line(a, b)
    return int(np.count_nonzero(shapely.distance(np.array(roads, dtype=object), path) <= tolerance))


def _plan_zones(
    rng: np.random.Generator, roads: list[_RoadXY], extra: dict[str, Any], home: BaseGeometry
) -> list[tuple[int, Polygon]]:
    """(zone number in names.VENDING_ZONES, polygon in x/y) for each vending zone.

    The night market goes two streets away from 鼓楼步行街, inside ``home`` if it can.
    """
    blocks: list[Polygon] = extra["blocks"]
    used = {extra["gulou_block"]}
    zones: list[tuple[int, Polygon]] = []
    # The night market: two streets away from 鼓楼步行街.
    neighbours = _block_neighbours(blocks)
    dist = {extra["gulou_block"]: 0}
    queue = deque([extra["gulou_block"]])
    while queue:
        b = queue.popleft()
        for n in neighbours[b]:
            if n not in dist:
                dist[n] = dist[b] + 1
                queue.append(n)
    alley = extra["gulou_alley"]
    lattice = [r.line for r in roads if r.grade != RoadGrade.ALLEY]
    gulou = Point(names.GULOU_XY)
    candidates = sorted(
        (b for b, d in dist.items() if d == 2),
        key=lambda b: (not home.contains(blocks[b].representative_point()), blocks[b].distance(gulou)),
    )
    for b in candidates:
        zone = _zone_in_block(rng, blocks[b])
        if zone is not None and alley is not None and roads_crossed(alley, zone, lattice, 0.5) == 2:
            zones.append((0, zone))
            used.add(b)
            break
    # The others near their anchors.
    for number, anchor in enumerate(names.VENDING_ZONE_ANCHORS, start=1):
        at = Point(anchor)
        for b in sorted(range(len(blocks)), key=lambda i: blocks[i].distance(at)):
            if b in used:
                continue
            zone = _zone_in_block(rng, blocks[b])
            if zone is not None:
                zones.append((number, zone))
                used.add(b)
                break
    return zones


# --- people ----------------------------------------------------------------------------------


FIXED_PEOPLE = {
    "admin": "系统管理员",
    "liu": "刘洋",
    "li": "李娜",
    "zhao": "赵敏",
    "qian": "钱文",
    "wang": "王强",
    "zhou": "周建国",
    "chen": "陈刚",
    "wu": "吴磊",
    "sun": "孙丽",
    "citizen": "张伟",
}


def _people_names(rng: np.random.Generator) -> Iterator[str]:
    taken = set(FIXED_PEOPLE.values())
    while True:
        name = (
            names.SURNAMES[int(rng.integers(len(names.SURNAMES)))]
            + names.GIVEN_NAMES[int(rng.integers(len(names.GIVEN_NAMES)))]
        )
        if name not in taken:
            taken.add(name)
            yield name


def _phone(rng: np.random.Generator) -> str:
    return f"1{int(rng.choice([3, 5, 7, 8, 9]))}{int(rng.integers(0, 10**9)):09d}"


def _plan_org(
    rng: np.random.Generator, divisions: list[PlanDivision]
) -> tuple[list[PlanUnit], list[PlanUser], dict[str, str], dict[str, list[str]], dict[str, str]]:
    """Units and users; returns also street → inspector, squadron → officers, street → squadron."""
    bureau_code, bureau_name, bureau_phone = names.BUREAU
    units = [
        PlanUnit(
            bureau_code, bureau_name, UnitKind.BUREAU, None, territory=[names.CITY_CODE], phone=bureau_phone
        )
    ]
    streets_by_name = {d.name: d for d in divisions if d.level == DivisionLevel.STREET}
    districts = [d for d in divisions if d.level == DivisionLevel.DISTRICT]
    for d in districts:
        units.append(
            PlanUnit(
                f"{d.code}-DD",
                names.BRIGADE_NAME.format(district=d.name),
                UnitKind.BRIGADE,
                bureau_code,
                territory=[d.code],
            )
        )
    street_squadron: dict[str, str] = {}
    for suffix, name, district, street_names in names.SQUADRONS:
        code = f"{names.CITY_CODE}-{suffix}"
        territory = [streets_by_name[s].code for s in street_names]
        units.append(PlanUnit(code, name, UnitKind.SQUADRON, f"{district}-DD", territory=territory))
        for s in territory:
            street_squadron[s] = code
    for suffix, name, specialty, phone in names.DEPARTMENTS:
        units.append(
            PlanUnit(
                f"{names.CITY_CODE}-{suffix}", name, UnitKind.DEPARTMENT, bureau_code, specialty, phone=phone
            )
        )
    for suffix, name, specialty, phone in names.AGENCIES:
        units.append(
            PlanUnit(f"{names.CITY_CODE}-{suffix}", name, UnitKind.AGENCY, None, specialty, phone=phone)
        )

    people = _people_names(rng)
    users: list[PlanUser] = []
    badge = iter(range(1, 10_000))

    def person(username: str, role: str, unit: str | None, *, enforcer: bool = False, **kw: Any) -> PlanUser:
        user = PlanUser(
            username=username,
            name=FIXED_PEOPLE.get(username) or next(people),
            role=role,
            unit=unit,
            badge_number=f"{names.CITY_CODE}{next(badge):05d}" if enforcer else "",
            phone=_phone(rng),
            **kw,
        )
        users.append(user)
        return user

    person("admin", Role.ADMIN, bureau_code, is_superuser=True)
    person("liu", Role.LEADER, bureau_code)
    person("li", Role.OPERATOR, bureau_code)
    person("zhao", Role.DISPATCHER, bureau_code)
    person("qian", Role.LEGAL_REVIEWER, bureau_code, enforcer=True)
    street_inspector: dict[str, str] = {}
    streets = [d for d in divisions if d.level == DivisionLevel.STREET]
    for n, street in enumerate(streets, start=1):
        username = "wang" if street.name == "鼓楼街道" else f"inspector{n:02d}"
        street_inspector[street.code] = person(username, Role.INSPECTOR, bureau_code).username
    squadron_officers: dict[str, list[str]] = {}
    for number, (suffix, _name, _district, _streets) in enumerate(names.SQUADRONS, start=1):
        code = f"{names.CITY_CODE}-{suffix}"
        ours = number == 2  # squadron 2 (鼓楼中队) has the scenario people
        person("zhou" if ours else f"zd{number}-leader", Role.SQUADRON_LEADER, code, enforcer=True)
        officers = []
        for i in range(1, int(rng.integers(4, 7)) + 1):
            username = "chen" if ours and i == 1 else f"zd{number}-officer{i}"
            officers.append(person(username, Role.OFFICER, code, enforcer=True).username)
        squadron_officers[code] = officers
        for i in range(1, 3):
            person("wu" if ours and i == 1 else f"zd{number}-aux{i}", Role.AUXILIARY, code)
    for suffix, _name, specialty, _phone_no in names.DEPARTMENTS:
        person(
            "sun" if specialty == "water" else f"dept-{specialty}",
            Role.DEPARTMENT,
            f"{names.CITY_CODE}-{suffix}",
        )
    person("citizen", Role.CITIZEN, None)
    return units, users, street_inspector, squadron_officers, street_squadron


# --- the whole plan --------------------------------------------------------------------------


def plan_demo_city(seed: int = 2026, *, tick: Callable[[str], None] | None = None) -> CityPlan:
    """Compute the demo city for ``seed`` in memory (no database access); same seed, same plan."""
    tick = tick or (lambda label: None)
    rng = np.random.default_rng(seed)
    tick(_("City outline and districts"))
    divisions, grids, extra = _plan_divisions(rng, tick)
    tick(_("Roads"))
    home_streets = names.SQUADRONS[1][3]  # 鼓楼中队, squadron 2, whose beats hold 鼓楼步行街
    home = PROJECTION.project(
        shapely.union_all(
            [d.geometry for d in divisions if d.level == DivisionLevel.STREET and d.name in home_streets]
        )
    )
    roads_xy, road_extra = _plan_roads(rng, extra["city_xy"], home)
    zones_xy = _plan_zones(rng, roads_xy, road_extra, home)
    tick(_("Units and people"))
    units, users, street_inspector, squadron_officers, street_squadron = _plan_org(rng, divisions)
    for grid in grids:
        grid.inspector = street_inspector[grid.community[:9]]
    tick(_("Beats and vending zones"))

    streets = [d for d in divisions if d.level == DivisionLevel.STREET]
    street_tree = shapely.STRtree([s.geometry for s in streets])

    def squadron_at(point: Point) -> str:
        hits = street_tree.query(point, predicate="intersects")
        index = int(hits.min()) if len(hits) else int(street_tree.query_nearest(point)[0])
        return street_squadron[streets[index].code]

    roads: list[PlanRoad] = []
    beats: list[PlanBeat] = []
    counters: dict[str, int] = {RoadGrade.MAIN: 0, RoadGrade.SECONDARY: 0, RoadGrade.ALLEY: 0}
    prefix: dict[str, str] = {RoadGrade.MAIN: "M", RoadGrade.SECONDARY: "S", RoadGrade.ALLEY: "A"}
    fixed_hours = [(dtime(7, 0), dtime(19, 0)), (dtime(7, 30), dtime(20, 30)), (dtime(8, 0), dtime(20, 0))]
    for road in roads_xy:
        counters[road.grade] += 1
        code = f"R-{prefix[road.grade]}{counters[road.grade]:03d}"
        line_ll = _to_lonlat(road.line)
        roads.append(PlanRoad(code, road.name, road.grade, line_ll, length_m(line_ll)))
        if road.grade == RoadGrade.ALLEY:
            continue
        n = max(1, round(road.line.length / STRETCH_M))
        step = road.line.length / n
        for i in range(n):
            stretch = _to_lonlat(substring(road.line, i * step, (i + 1) * step))
            fixed = rng.random() < (0.2 if road.grade == RoadGrade.MAIN else 0.1)
            hours = (
                fixed_hours[int(rng.integers(len(fixed_hours)))]
                if road.grade == RoadGrade.MAIN
                else (
                    dtime(9, 0),
                    dtime(21, 0),
                )
            )
            beats.append(
                PlanBeat(
                    code=f"B-{code[2:]}-{i + 1:02d}",
                    name=f"{road.name}-{i + 1}",
                    kind=BeatKind.ROAD,
                    road=code,
                    geometry=stretch,
                    squadron=squadron_at(_lonlat_midpoint(stretch)),
                    officer=None,
                    post_type=PostType.FIXED if fixed else PostType.MOBILE,
                    post_start=hours[0] if fixed else None,
                    post_end=hours[1] if fixed else None,
                )
            )

    zones: list[PlanZone] = []
    area_beats: list[PlanBeat] = []
    inner = road_extra["inner"]
    if road_extra["gulou_alley"] is not None:
        gulou_area = road_extra["gulou_alley"].buffer(60).intersection(inner).intersection(home)
        area = _to_lonlat(_largest_polygon(gulou_area))
        area_beats.append(
            PlanBeat(
                "B-A01",
                "鼓楼商圈",
                BeatKind.AREA,
                None,
                area,
                squadron_at(area.centroid),
                "chen",
                PostType.FIXED,
                dtime(9, 0),
                dtime(22, 0),
            )
        )
    for n, (number, zone_xy) in enumerate(zones_xy, start=1):
        name, opens, closes, weekdays, goods, capacity = names.VENDING_ZONES[number]
        geom = _to_lonlat(zone_xy)
        squadron = squadron_at(geom.centroid)
        zones.append(
            PlanZone(
                f"VZ{n:02d}",
                name,
                geom,
                dtime.fromisoformat(opens),
                dtime.fromisoformat(closes),
                weekdays,
                goods,
                capacity,
                squadron,
            )
        )
        if number <= 2:
            area = _to_lonlat(_largest_polygon(zone_xy.buffer(40).intersection(inner)))
            area_beats.append(
                PlanBeat(
                    f"B-A{len(area_beats) + 1:02d}",
                    f"{name}周边",
                    BeatKind.AREA,
                    None,
                    area,
                    squadron_at(area.centroid),
                    None,
                    PostType.FIXED,
                    dtime.fromisoformat(opens),
                    dtime.fromisoformat(closes),
                )
            )
    beats.extend(area_beats)

    # Officers: round robin over each squadron's officers, in beat-code order.
    turn = {code: 0 for code in squadron_officers}
    for beat in sorted(beats, key=lambda b: b.code):
        if beat.officer is None:
            officers = squadron_officers[beat.squadron]
            beat.officer = officers[turn[beat.squadron] % len(officers)]
            turn[beat.squadron] += 1

    logins = []
    for role in Role:
        user = next(u for u in users if u.role == role and (u.username in FIXED_PEOPLE))
        logins.append((role.value, user.username))
    return CityPlan(seed, divisions, grids, roads, beats, zones, units, users, logins)


# --- writing it ------------------------------------------------------------------------------


def _write(plan: CityPlan, tick: Callable[[str], None]) -> None:
    division_ids: dict[str, int] = {}
    for level in (DivisionLevel.CITY, DivisionLevel.DISTRICT, DivisionLevel.STREET, DivisionLevel.COMMUNITY):
        objs = [
            Division(
                code=d.code,
                name=d.name,
                level=d.level,
                parent_id=division_ids[d.parent] if d.parent else None,
                boundary=d.geometry,
            )
            for d in plan.divisions
            if d.level == level
        ]
        for obj in Division.objects.bulk_create(objs):
            division_ids[obj.code] = obj.pk

    unit_ids: dict[str, int] = {}
    pending = list(plan.units)
    while pending:  # parents first
        ready = [u for u in pending if u.parent is None or u.parent in unit_ids]
        created = Unit.objects.bulk_create(
            [
                Unit(
                    code=u.code,
                    name=u.name,
                    kind=u.kind,
                    parent_id=unit_ids[u.parent] if u.parent else None,
                    specialty=u.specialty,
                    phone=u.phone,
                )
                for u in ready
            ]
        )
        unit_ids.update({obj.code: obj.pk for obj in created})
        pending = [u for u in pending if u.code not in unit_ids]
    Through = Unit.territory.through
    Through.objects.bulk_create(
        [
            Through(unit_id=unit_ids[u.code], division_id=division_ids[c])
            for u in plan.units
            for c in u.territory
        ]
    )
    tick(_("Users and roles"))

    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    created_users = User.objects.bulk_create(
        [
            User(
                username=u.username,
                name=u.name,
                password=password,
                is_staff=u.is_staff,
                is_superuser=u.is_superuser,
                unit_id=unit_ids[u.unit] if u.unit else None,
                phone=u.phone,
                badge_number=u.badge_number,
            )
            for u in plan.users
        ]
    )
    user_ids = {obj.username: obj.pk for obj in created_users}
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    UserGroup = User.groups.through
    UserGroup.objects.bulk_create(
        [UserGroup(user_id=user_ids[u.username], group_id=groups[u.role].pk) for u in plan.users]
    )
    _grant_permissions(groups)
    tick(_("Grids"))

    Grid.objects.bulk_create(
        [
            Grid(
                code=g.code,
                community_id=division_ids[g.community],
                name="",
                geometry=g.geometry,
                area_m2=g.area_m2,
                inspector_id=user_ids[g.inspector],
            )
            for g in plan.grids
        ],
        batch_size=500,
    )
    tick(_("Roads, beats and vending zones"))
    created_roads = Road.objects.bulk_create(
        [
            Road(code=r.code, name=r.name, grade=r.grade, geometry=r.geometry, length_m=r.length_m)
            for r in plan.roads
        ],
        batch_size=500,
    )
    road_ids = {obj.code: obj.pk for obj in created_roads}
    Beat.objects.bulk_create(
        [
            Beat(
                code=b.code,
                name=b.name,
                kind=b.kind,
                road_id=road_ids[b.road] if b.road else None,
                geometry=b.geometry,
                squadron_id=unit_ids[b.squadron],
                officer_id=user_ids[b.officer] if b.officer else None,
                post_type=b.post_type,
                post_start=b.post_start,
                post_end=b.post_end,
            )
            for b in plan.beats
        ],
        batch_size=500,
    )
    VendingZone.objects.bulk_create(
        [
            VendingZone(
                code=z.code,
                name=z.name,
                geometry=z.geometry,
                opens_at=z.opens_at,
                closes_at=z.closes_at,
                weekdays=z.weekdays,
                permitted_goods=z.permitted_goods,
                capacity=z.capacity,
                unit_id=unit_ids[z.unit],
            )
            for z in plan.zones
        ]
    )
    bump_territory_version()


def _grant_permissions(groups: dict[str, Group]) -> None:
    """Admins may do everything in org and geo; every other staff role may look at them."""
    perms = list(Permission.objects.filter(content_type__app_label__in=["org", "geo"]).order_by("pk"))
    view = [p for p in perms if p.codename.startswith("view_")]
    groups[Role.ADMIN].permissions.add(*perms)
    for role in Role.values:
        if role not in (Role.ADMIN, Role.CITIZEN):
            groups[role].permissions.add(*view)


def load_demo_city(seed: int = 2026, *, progress: bool = False) -> DemoCityReport:
    """Fill an empty database with the demo city for ``seed``; raise ``DemoCityNotEmpty`` otherwise."""
    from tqdm import tqdm

    started = time.perf_counter()
    if Division.objects.exists():
        raise DemoCityNotEmpty()
    bar = tqdm(
        total=11,
        disable=not progress,
        desc=_("Demo city"),
        unit="",
        bar_format="{percentage:3.0f}%|{bar}| {n}/{total} {desc}",
    )

    def tick(label: str) -> None:
        bar.set_description_str(label)
        bar.update(1)

    try:
        plan = plan_demo_city(seed, tick=tick)
        with transaction.atomic():
            if Division.objects.select_for_update().exists():
                raise DemoCityNotEmpty()
            taken = list(
                User.objects.filter(username__in=[u.username for u in plan.users]).values_list(
                    "username", flat=True
                )
            )
            if taken:
                raise DemoCityNotEmpty(
                    _("These user names are taken already: %(names)s; the demo city needs an empty database.")
                    % {"names": ", ".join(sorted(taken))}
                )
            tick(_("Divisions and units"))
            _write(plan, tick)
    finally:
        bar.close()
    return _report(plan, time.perf_counter() - started)


def _report(plan: CityPlan, seconds: float) -> DemoCityReport:
    levels = [d.level for d in plan.divisions]
    users = {u.username: u for u in plan.users}
    unit_names = {u.code: u.name for u in plan.units}
    road_counts = {grade.value: sum(1 for r in plan.roads if r.grade == grade) for grade in RoadGrade}
    return DemoCityReport(
        seed=plan.seed,
        districts=levels.count(DivisionLevel.DISTRICT),
        streets=levels.count(DivisionLevel.STREET),
        communities=levels.count(DivisionLevel.COMMUNITY),
        grids=len(plan.grids),
        roads=road_counts,
        road_beats=sum(1 for b in plan.beats if b.kind == BeatKind.ROAD),
        area_beats=sum(1 for b in plan.beats if b.kind == BeatKind.AREA),
        fixed_posts=sum(1 for b in plan.beats if b.post_type == PostType.FIXED),
        vending_zones=len(plan.zones),
        units=len(plan.units),
        users=len(plan.users),
        logins=[
            DemoLogin(
                username=username,
                name=users[username].name,
                role=role,
                unit=unit_names.get(users[username].unit or "", ""),
                password=DEMO_PASSWORD,
            )
            for role, username in plan.logins
        ],
        seconds=seconds,
    )
