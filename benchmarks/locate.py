"""Benchmark of ``locate`` / ``locate_many`` on the demo city, against shapely baselines.

    .venv/bin/python benchmarks/locate.py [--points 2000000] [--single 20000] [--seed 2026]

Sets up a throw-away SQLite database in a temporary directory, migrates it, loads the demo city
(``chengguan.simulate.democity.load_demo_city``; a synthetic Voronoi city if that module is missing)
and prints: the index build time and memory, the batch rate of ``locate_many`` (grid + beat + zone,
best of 3), the median time of one ``locate``, and two baselines on the same grids: a naive loop over
the polygons (``shapely.contains_xy`` per polygon) and shapely's STRtree bulk query. The last line is

    locate: batch N points/s, single M us, baseline ratio R

where R is the batch rate divided by the STRtree rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup_django(tmp: str) -> None:
    os.environ["CHENGGUAN_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _synthetic_city(seed: int) -> str:
    """A stand-in for the demo city: ~2,000 Voronoi grids, 300 road beats, area beats and zones."""
    import shapely
    from shapely.geometry import LineString, box

    from chengguan.geo.models import Beat, BeatKind, Grid, VendingZone
    from chengguan.geo.versioning import bump_territory_version
    from chengguan.org.models import Division, DivisionLevel, Unit, UnitKind

    rng = np.random.default_rng(seed)
    lon0, lat0, w, h = 121.525, 29.848, 0.052, 0.045  # about 5 km × 5 km
    city = Division.objects.create(code="330200", name="宁波市", level=DivisionLevel.CITY)
    district = Division.objects.create(
        code="330203", name="海曙区", level=DivisionLevel.DISTRICT, parent=city
    )
    street = Division.objects.create(
        code="330203001", name="鼓楼街道", level=DivisionLevel.STREET, parent=district
    )
    communities = [
        Division.objects.create(
            code=f"330203001{k:03d}", name=f"社区{k}", level=DivisionLevel.COMMUNITY, parent=street
        )
        for k in range(1, 21)
    ]
    squadrons = [
        Unit.objects.create(code=f"SQ{k}", name=f"第{k}中队", kind=UnitKind.SQUADRON) for k in range(1, 5)
    ]
    squadrons[0].territory.add(street)
    frame = box(lon0, lat0, lon0 + w, lat0 + h)
    sites = shapely.multipoints(np.column_stack([lon0 + rng.random(2200) * w, lat0 + rng.random(2200) * h]))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=frame)), frame)
    Grid.objects.bulk_create(
        Grid(code=f"{communities[k % 20].code}{k // 20 + 1:03d}", community=communities[k % 20], geometry=g)
        for k, g in enumerate(cells)
    )
    beats = []
    for k in range(300):
        p = np.array([lon0 + rng.random() * w, lat0 + rng.random() * h])
        a = rng.random() * np.pi
        q = p + 0.005 * np.array([np.cos(a), np.sin(a)])
        beats.append(
            Beat(
                code=f"R{k:03d}",
                name=f"路段{k}",
                kind=BeatKind.ROAD,
                geometry=LineString([p, q]),
                squadron=squadrons[k % 4],
            )
        )
    for k in range(60):
        x, y = lon0 + rng.random() * w, lat0 + rng.random() * h
        beats.append(
            Beat(
                code=f"A{k:03d}",
                name=f"片区{k}",
                kind=BeatKind.AREA,
                geometry=box(x, y, x + 0.004, y + 0.003),
                squadron=squadrons[k % 4],
            )
        )
    Beat.objects.bulk_create(beats)
    VendingZone.objects.bulk_create(
        VendingZone(
            code=f"Z{k}",
            name=f"疏导点{k}",
            geometry=box(x, y, x + 0.001, y + 0.0008),
            opens_at=dt.time(6),
            closes_at=dt.time(2),
        )
        for k, (x, y) in enumerate(zip(lon0 + rng.random(30) * w, lat0 + rng.random(30) * h, strict=True))
    )
    bump_territory_version()
    return "synthetic Voronoi city (chengguan.simulate.democity not available)"


def _load_city(seed: int) -> str:
    try:
        from chengguan.simulate.democity import load_demo_city
    except ImportError:
        return _synthetic_city(seed)
    report = load_demo_city(seed=seed)
    return (
        f"demo city seed {seed}: {report.grids} grids, {report.road_beats} road beats, "
        f"{report.area_beats} area beats, {report.vending_zones} vending zones"
    )


def _best_of(n: int, fn: Any) -> float:
    best = float("inf")
    for _ in range(n):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2_000_000)
    parser.add_argument("--single", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chengguan-bench-") as tmp:
        _setup_django(tmp)
        import shapely

        from chengguan.geo import locate as loc
        from chengguan.geo.versioning import get_territory_version

        started = time.perf_counter()
        described = _load_city(args.seed)
        print(f"city: {described} (loaded in {time.perf_counter() - started:.1f} s)")

        loc.invalidate_index()
        started = time.perf_counter()
        territory = loc.load_territory()
        load_s = time.perf_counter() - started
        index = loc.build_index(territory, version=get_territory_version())
        print(f"index: read from the database in {load_s:.2f} s, built in {index.build_seconds:.2f} s")
        frame = index.frame
        print(
            f"index: {frame.nx} × {frame.ny} cells of {frame.cell_m:.2f} m, "
            f"{index.nbytes / 2**20:.1f} MiB; ambiguous cells: grids {index.grid_layer.ambiguous_cells}, "
            f"road beats {index.road_layer.ambiguous_cells}, area beats {index.area_layer.ambiguous_cells}, "
            f"zones {index.zone_layer.ambiguous_cells}"
        )
        tracemalloc.start()
        loc.build_index(territory)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"index: peak memory while building {peak / 2**20:.0f} MiB")
        loc.get_index()  # the cached one, as requests would see it

        grids = np.asarray([g.geometry for g in index.grids], dtype=object)
        x0, y0, x1, y1 = shapely.total_bounds(grids)
        rng = np.random.default_rng(args.seed)
        lon = x0 + rng.random(args.points) * (x1 - x0)
        lat = y0 + rng.random(args.points) * (y1 - y0)

        # A weekday evening, when night markets are open, so the zone layer is exercised too.
        from chengguan.core.clock import city_zone

        evening = dt.datetime(2026, 3, 4, 19, 30, tzinfo=city_zone())
        batch = loc.locate_many(lon, lat, at=evening)
        seconds = _best_of(3, lambda: loc.locate_many(lon, lat, at=evening))
        batch_rate = args.points / seconds
        print(
            f"locate_many: {args.points:,} points in {seconds * 1000:.0f} ms = {batch_rate:,.0f} points/s "
            f"(inside the city {batch.inside.mean():.1%}, with a beat {np.mean(batch.beat >= 0):.1%}, "
            f"in an open zone {np.mean(batch.zone >= 0):.2%})"
        )

        single = min(args.single, args.points)
        inside = np.flatnonzero(batch.inside)[:single]
        pts = list(zip(lon[inside].tolist(), lat[inside].tolist(), strict=True))
        for lo, la in pts[:1000]:
            loc.locate(lo, la)
        timings = []
        clock = time.perf_counter_ns
        for lo, la in pts:
            t0 = clock()
            loc.locate(lo, la, at=evening)
            timings.append(clock() - t0)
        single_us = statistics.median(timings) / 1000
        p99 = float(np.percentile(timings, 99)) / 1000
        print(f"locate: median {single_us:.2f} µs, p99 {p99:.1f} µs over {len(pts):,} points inside the city")

        # Baseline 1: a naive loop over the polygons.
        n_naive = min(20_000, args.points)
        nlon, nlat = lon[:n_naive], lat[:n_naive]

        def naive() -> None:
            found = np.full(n_naive, -1)
            for k in range(len(grids) - 1, -1, -1):
                found[shapely.contains_xy(grids[k], nlon, nlat)] = k

        shapely.prepare(grids)
        naive_s = _best_of(1, naive)
        naive_rate = n_naive / naive_s
        print(
            f"baseline naive loop (contains_xy per polygon): {naive_rate:,.0f} points/s on {n_naive:,} points"
        )

        # Baseline 2: shapely's STRtree bulk query (the points are made before the clock starts).
        n_tree = min(500_000, args.points)
        tree = shapely.STRtree(grids)
        points = shapely.points(lon[:n_tree], lat[:n_tree])
        tree_s = _best_of(3, lambda: tree.query(points, predicate="intersects"))
        tree_rate = n_tree / tree_s
        print(
            f"baseline STRtree query (predicate='intersects'): {tree_rate:,.0f} points/s on {n_tree:,} points"
        )

        ratio = batch_rate / tree_rate
        print(
            f"ratios: locate_many / STRtree = {ratio:.2f}×, locate_many / naive loop = {batch_rate / naive_rate:.0f}×"
        )
        print(
            f"locate: batch {batch_rate:.0f} points/s, single {single_us:.2f} us, baseline ratio {ratio:.2f}"
        )


if __name__ == "__main__":
    main()
