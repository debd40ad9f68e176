"""locate_many: the vectorised form agrees with brute force and with locate() point by point."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengguan.core.clock import city_zone
from chengguan.core.errors import OutsideCity
from chengguan.core.testing import TinyCity
from chengguan.geo.coords import wgs84_to_gcj02
from chengguan.geo.locate import LocateIndex, locate, locate_many
from chengguan.geo.locate_index import NONE, brute_force_lines, brute_force_polygons
from chengguan.geo.tests.territories import LAT0, LON0, SPAN, adversarial_points, synthetic_territory

NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=city_zone())


def _brute_force(index: LocateIndex, lon: np.ndarray, lat: np.ndarray, at: dt.datetime) -> tuple:
    grid = brute_force_polygons([g.geometry for g in index.grids], lon, lat)
    roads = [b for b in index.beats if b.kind == "road"]
    areas = [b for b in index.beats if b.kind == "area"]
    road = brute_force_lines(
        [b.geometry for b in roads], lon, lat, index.road_distance_m, index.frame.projection
    )
    area = brute_force_polygons([b.geometry for b in areas], lon, lat)
    code_of = {b.code: i for i, b in enumerate(index.beats)}
    road_ids = np.array([code_of[b.code] for b in roads] + [NONE])
    area_ids = np.array([code_of[b.code] for b in areas] + [NONE])
    beat = np.where(road >= 0, road_ids[road], area_ids[area])
    open_now = index.zones_open(at)[:-1]
    zone = brute_force_polygons(
        [z.geometry if ok else shapely.Polygon() for z, ok in zip(index.zones, open_now, strict=True)],
        lon,
        lat,
    )
    return grid, beat, zone


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), cell_m=st.sampled_from([1.0, 2.0, 6.0]))
def test_batch_agrees_with_brute_force(seed: int, cell_m: float) -> None:
    index = LocateIndex(synthetic_territory(seed), cell_m=cell_m, max_cells=2_000_000, road_distance_m=15.0)
    rng = np.random.default_rng(seed)
    lon = LON0 - SPAN * 0.1 + rng.random(4000) * SPAN * 1.2
    lat = LAT0 - SPAN * 0.1 + rng.random(4000) * SPAN * 1.2
    every = (
        [g.geometry for g in index.grids]
        + [b.geometry for b in index.beats]
        + [z.geometry for z in index.zones]
    )
    lon2, lat2 = adversarial_points(every, index.frame, rng, 400)
    lon, lat = np.concatenate([lon, lon2]), np.concatenate([lat, lat2])

    batch = index.locate_many(lon, lat, NOON)
    grid, beat, zone = _brute_force(index, lon, lat, NOON)

    np.testing.assert_array_equal(batch.grid, grid)
    np.testing.assert_array_equal(batch.beat, beat)
    np.testing.assert_array_equal(batch.zone, zone)


def test_batch_and_single_give_the_same_answers() -> None:
    index = LocateIndex(synthetic_territory(11), cell_m=2.0, max_cells=2_000_000, road_distance_m=15.0)
    rng = np.random.default_rng(5)
    every = [g.geometry for g in index.grids] + [b.geometry for b in index.beats]
    lon, lat = adversarial_points(every, index.frame, rng, 300)

    batch = index.locate_many(lon, lat, NOON)

    for i in range(len(batch)):
        if batch.grid[i] < 0:
            with pytest.raises(OutsideCity):
                index.locate(float(lon[i]), float(lat[i]), NOON)
            continue
        assert index.locate(float(lon[i]), float(lat[i]), NOON) == batch.location(i)


def test_the_squadron_comes_from_the_beat_else_from_the_grid() -> None:
    index = LocateIndex(synthetic_territory(3), cell_m=2.0, max_cells=2_000_000, road_distance_m=15.0)
    rng = np.random.default_rng(1)
    lon = LON0 + rng.random(3000) * SPAN
    lat = LAT0 + rng.random(3000) * SPAN

    batch = index.locate_many(lon, lat, NOON)

    with_beat = batch.beat >= 0
    assert with_beat.any() and (~with_beat).any()
    expected = np.where(
        with_beat,
        [index.beats[b].squadron if b >= 0 else NONE for b in batch.beat],
        [index.grids[g].squadron for g in batch.grid],
    )
    np.testing.assert_array_equal(batch.squadron, expected)
    assert (batch.officer[~with_beat] == NONE).all()


def test_batch_helpers_give_codes_and_none_outside(tiny_city: TinyCity) -> None:
    batch = locate_many([121.535, 121.545, 120.0, np.nan], [29.875, 29.8702, 29.0, 29.87], at=NOON)

    assert batch.grid_codes().tolist() == ["330203001001001", "330203001001002", None, None]
    assert batch.beat_codes().tolist() == [None, "B1", None, None]
    assert batch.squadron_codes().tolist() == ["CG-SQ1", "CG-SQ1", None, None]
    assert batch.zone_codes().tolist() == [None, None, None, None]
    assert batch.inside.tolist() == [True, True, False, False]
    assert batch.location(1) == locate(121.545, 29.8702, at=NOON)
    with pytest.raises(OutsideCity):
        batch.location(2)


def test_batch_converts_gcj02(tiny_city: TinyCity) -> None:
    glon, glat = wgs84_to_gcj02(np.array([121.5395, 121.5605]), np.array([29.8755, 29.8655]))

    batch = locate_many(glon, glat, crs="gcj02")

    assert batch.grid_codes().tolist() == ["330203001001001", "330212001001004"]
