"""The raster index gives exactly the brute-force shapely answer, on random and on nasty points."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengguan.geo.locate_index import (
    NONE,
    Frame,
    LineLayer,
    PolygonLayer,
    brute_force_lines,
    brute_force_polygons,
)
from chengguan.geo.tests.territories import (
    LAT0,
    LON0,
    SPAN,
    adversarial_points,
    odd_polygons,
    random_lines,
    voronoi_grids,
)

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _frame(geoms: list, cell_m: float, pad_m: float = 10.0) -> Frame:
    bounds = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return Frame.around(bounds, cell_m=cell_m, max_cells=4_000_000, pad_m=pad_m)


def _random_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    margin = SPAN * 0.1
    lon = LON0 - margin + rng.random(n) * (SPAN + 2 * margin)
    lat = LAT0 - margin + rng.random(n) * (SPAN + 2 * margin)
    return lon, lat


def _all_points(geoms: list, frame: Frame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon1, lat1 = _random_points(rng, 3000)
    lon2, lat2 = adversarial_points(geoms, frame, rng, 600)
    return np.concatenate([lon1, lon2]), np.concatenate([lat1, lat2])


@SLOW
@given(seed=st.integers(0, 10_000), n=st.integers(2, 60), cell_m=st.sampled_from([0.7, 2.0, 5.0, 23.0]))
def test_a_grid_partition_is_answered_like_brute_force(seed: int, n: int, cell_m: float) -> None:
    geoms = voronoi_grids(seed, n)
    frame = _frame(geoms, cell_m)
    layer = PolygonLayer(frame, geoms)
    lon, lat = _all_points(geoms, frame, seed)

    got = layer.lookup(lon, lat)

    np.testing.assert_array_equal(got, brute_force_polygons(geoms, lon, lat))


@SLOW
@given(seed=st.integers(0, 10_000), n=st.integers(1, 12), cell_m=st.sampled_from([1.0, 2.0, 9.0]))
def test_overlapping_holed_and_sliver_polygons_are_answered_like_brute_force(
    seed: int, n: int, cell_m: float
) -> None:
    geoms = odd_polygons(seed, n)
    frame = _frame(geoms, cell_m)
    layer = PolygonLayer(frame, geoms)
    lon, lat = _all_points(geoms, frame, seed)
    allowed = np.random.default_rng(seed).random(len(geoms)) < 0.7

    got = layer.lookup(lon, lat)
    got_allowed = layer.lookup(lon, lat, allowed)

    np.testing.assert_array_equal(got, brute_force_polygons(geoms, lon, lat))
    masked = [g if ok else shapely.Polygon() for g, ok in zip(geoms, allowed, strict=True)]
    np.testing.assert_array_equal(got_allowed, brute_force_polygons(masked, lon, lat))


@SLOW
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 10),
    cell_m=st.sampled_from([1.0, 2.0, 7.0]),
    distance=st.sampled_from([0.5, 1.0, 12.5, 30.0]),
)
def test_road_beats_are_answered_like_brute_force(seed: int, n: int, cell_m: float, distance: float) -> None:
    lines = random_lines(seed, n)
    frame = _frame(lines, cell_m, pad_m=distance + 20)
    layer = LineLayer(frame, lines, distance)
    lon, lat = _all_points(lines, frame, seed)
    # and points at about the distance from the vertices, in the four directions
    coords = shapely.get_coordinates(np.asarray(lines, dtype=object))
    for dx, dy in ((1, 0), (0, 1), (-1, 0), (0, -1)):
        lon = np.concatenate([lon, coords[:, 0] + dx * distance / frame.projection.kx])
        lat = np.concatenate([lat, coords[:, 1] + dy * distance / frame.projection.ky])

    got = layer.lookup(lon, lat)

    np.testing.assert_array_equal(got, brute_force_lines(lines, lon, lat, distance, frame.projection))


def test_a_uniform_cell_lies_entirely_inside_its_one_polygon() -> None:
    geoms = voronoi_grids(7, 30) + odd_polygons(8, 6)
    frame = _frame(geoms, 3.0)
    layer = PolygonLayer(frame, geoms)
    flat = np.flatnonzero(layer.cells >= 0)
    rows, cols = np.divmod(flat, layer.wnx)
    rows += layer.r0
    cols += layer.c0
    cells = shapely.box(
        frame.lon_min + cols / frame.su,
        frame.lat_min + rows / frame.sv,
        frame.lon_min + (cols + 1) / frame.su,
        frame.lat_min + (rows + 1) / frame.sv,
    )
    owners = layer.cells[flat]

    assert len(flat) > 1000
    assert shapely.covers(np.asarray(geoms, dtype=object)[owners], cells).all()
    others = shapely.STRtree(geoms).query(cells, predicate="intersects")
    assert (owners[others[0]] == others[1]).all()


def test_points_outside_the_raster_and_nan_find_nothing() -> None:
    geoms = voronoi_grids(3, 10)
    layer = PolygonLayer(_frame(geoms, 2.0), geoms)

    got = layer.lookup([LON0 - 1, np.nan, np.inf, LON0 + SPAN / 2], [LAT0, LAT0, LAT0, np.nan])

    assert got.tolist() == [NONE] * 4


def test_a_road_distance_of_zero_is_refused() -> None:
    lines = random_lines(1, 1)
    frame = _frame(lines, 2.0, pad_m=20)

    with pytest.raises(ValueError, match="positive"):
        LineLayer(frame, lines, 0.0)
