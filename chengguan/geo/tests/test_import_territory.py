"""Importing the territory: everything is checked first, and on any problem nothing is written."""

from __future__ import annotations

import copy
import json
import re
import time
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from shapely.geometry import LineString, Polygon, box, mapping, shape

from chengguan.core.errors import ErrorCode
from chengguan.core.testing import TinyCity
from chengguan.geo.coords import geometry_from_wgs84, wgs84_to_gcj02
from chengguan.geo.exchange import LAYERS, export_layer
from chengguan.geo.importing import (
    MAX_PROBLEMS,
    ImportRejected,
    Problem,
    import_territory,
    import_uploaded_files,
    validate_territory,
)
from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.geo.versioning import get_territory_version
from chengguan.org.models import Division

WEST = "330203001001"  # the west community of the tiny city
EAST = "330212001001"


def export_all(crs: str = "wgs84") -> dict[str, dict[str, Any]]:
    return {layer: export_layer(layer, crs=crs) for layer in LAYERS}


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Division, Grid, Road, Beat, VendingZone)}


def wipe_territory() -> None:
    VendingZone.objects.all().delete()
    Beat.objects.all().delete()
    Road.objects.all().delete()
    Grid.objects.all().delete()
    for level in ("community", "street", "district", "city"):
        Division.objects.filter(level=level).delete()


def feature(props: dict[str, Any], geom: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom) if geom is not None else None}


def collection(layer: str, *features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "name": layer, "features": list(features)}


def grid_feature(code: str, geom: Any, community: str = WEST, **props: Any) -> dict[str, Any]:
    return feature({"code": code, "name": "", "community": community, **props}, geom)


def with_feature(layer_collection: dict[str, Any], feature_code: str, /, **changes: Any) -> dict[str, Any]:
    """A copy of an exported collection with one feature's properties (or geometry) changed."""
    result = copy.deepcopy(layer_collection)
    for f in result["features"]:
        if f["properties"]["code"] == feature_code:
            geom = changes.pop("geometry", None)
            if geom is not None:
                f["geometry"] = mapping(geom)
            f["properties"].update(changes)
            return result
    raise AssertionError(f"no feature {feature_code}")


def named(problems: list[Problem], layer: str, code: str, field: str) -> list[Problem]:
    return [p for p in problems if p.layer == layer and p.code == code and p.field == field]


# --- round trip ---------------------------------------------------------------------------------


def test_it_reproduces_the_territory_after_export_wipe_and_import(tiny_city: TinyCity) -> None:
    # given the exported territory, and an empty territory
    before = export_all()
    wipe_territory()
    assert Grid.objects.count() == 0
    version = get_territory_version()

    # when the export is imported
    report = import_territory(json.loads(json.dumps(before)))

    # then every layer is back exactly, area and length recomputed, and the version moved once
    assert report.ok and report.written
    assert export_all() == before
    assert {layer: (c.created, c.updated) for layer, c in report.counts.items()} == {
        "divisions": (7, 0),
        "grids": (8, 0),
        "roads": (1, 0),
        "beats": (2, 0),
        "vending_zones": (1, 0),
    }
    assert Grid.objects.get(code=f"{WEST}001").area_m2 == pytest.approx(tiny_city.grids[f"{WEST}001"].area_m2)
    assert get_territory_version() == version + 1


def test_it_updates_rows_by_code_and_keeps_rows_not_in_the_file(tiny_city: TinyCity) -> None:
    # given the exported grids, one of them renamed and given to another inspector
    grids = with_feature(export_layer("grids"), f"{EAST}002", name="东胜二号网格", inspector="inspector")
    roads = collection(
        "roads",
        feature(
            {"code": "R2", "name": "百丈路", "grade": "secondary"},
            LineString([(121.54, 29.86), (121.54, 29.88)]),
        ),
    )

    # when they are imported
    report = import_territory({"grids": grids, "roads": roads})

    # then the grid is updated in place, the new road created, the old road kept
    assert (
        report.counts["grids"].created,
        report.counts["grids"].updated,
        report.counts["grids"].unchanged,
    ) == (
        0,
        1,
        7,
    )
    assert (report.counts["roads"].created, report.counts["roads"].updated) == (1, 0)
    grid = Grid.objects.get(code=f"{EAST}002")
    assert grid.pk == tiny_city.grids[f"{EAST}002"].pk
    assert (grid.name, grid.inspector.username) == ("东胜二号网格", "inspector")
    assert Road.objects.get(code="R2").length_m == pytest.approx(2224, rel=0.01)
    assert Road.objects.filter(code="R1").exists()


def test_it_accepts_references_to_features_of_the_same_import(tiny_city: TinyCity) -> None:
    # given a new community under the west street and its single grid, in one import
    outline = box(121.53, 29.88, 121.55, 29.89)
    divisions = collection(
        "divisions",
        feature(
            {"code": "330203001002", "name": "新社区", "level": "community", "parent": "330203001"}, outline
        ),
    )
    grids = collection("grids", grid_feature("330203001002001", outline, community="330203001002"))

    # when they are imported
    report = import_territory({"divisions": divisions, "grids": grids})

    # then both exist and are linked
    assert report.ok
    assert Grid.objects.get(code="330203001002001").community.code == "330203001002"


def test_it_lands_gcj02_input_in_wgs84(tiny_city: TinyCity) -> None:
    # given a new road drawn on an AMap (GCJ-02) base map
    wgs = LineString([(121.535, 29.865), (121.545, 29.875)])
    gcj = geometry_from_wgs84(wgs, "gcj02")
    lon, lat = wgs84_to_gcj02(121.535, 29.865)
    assert shapely.get_coordinates(gcj)[0] == pytest.approx([float(lon), float(lat)])
    roads = collection("roads", feature({"code": "R9", "name": "测试路", "grade": "alley"}, gcj))

    # when it is imported as GCJ-02
    import_territory({"roads": roads}, crs="gcj02")

    # then it is stored in WGS84, within a millimetre
    stored = shapely.get_coordinates(Road.objects.get(code="R9").geometry)
    assert np.abs(stored - shapely.get_coordinates(wgs)).max() < 1e-8


def test_it_reads_the_coordinate_system_a_gcj02_export_declares(tiny_city: TinyCity) -> None:
    # given the grids exported in GCJ-02 (the collection says so in crs_name)
    grids = export_layer("grids", crs="gcj02")
    before = export_layer("grids")

    # when they are imported without naming the coordinate system
    report = import_territory({"grids": grids})

    # then nothing moved; but naming a different system is refused
    assert report.ok
    exported = export_layer("grids")
    for a, b in zip(exported["features"], before["features"], strict=True):
        assert shape(a["geometry"]).equals_exact(shape(b["geometry"]), tolerance=1e-9)
    with pytest.raises(ImportRejected) as refused:
        import_territory({"grids": grids}, crs="wgs84")
    assert named(refused.value.report.problems, "grids", None, "crs_name")  # type: ignore[arg-type]


# --- refusals -----------------------------------------------------------------------------------


def test_it_writes_nothing_and_names_every_bad_feature(tiny_city: TinyCity) -> None:
    # given the exported territory, spoilt in seven ways
    before, counts, version = export_all(), row_counts(), get_territory_version()
    bow_tie = Polygon([(121.54, 29.86), (121.55, 29.87), (121.55, 29.86), (121.54, 29.87)])
    grids = with_feature(before["grids"], f"{WEST}004", geometry=bow_tie)
    # 002 grows west over 001
    grids = with_feature(grids, f"{WEST}002", geometry=box(121.539, 29.87, 121.55, 29.88))
    # 003 shrinks, leaving a gap in the west community
    grids = with_feature(grids, f"{WEST}003", geometry=box(121.53, 29.86, 121.539, 29.87))
    # a new grid whose code belongs to another community, inside the city
    grids["features"].append(grid_feature("330203001002001", box(121.53, 29.86, 121.531, 29.861)))
    beats = with_feature(before["beats"], "B2", squadron="CG-SQ9")
    beats = with_feature(beats, "B1", officer="nobody", post_start="7am")

    # when it is imported
    with pytest.raises(ImportRejected) as refused:
        import_territory({"grids": grids, "beats": beats})

    # then nothing changed
    assert row_counts() == counts
    assert export_all() == before
    assert get_territory_version() == version
    # and every bad feature is named, with where it is in its file
    report = refused.value.report
    assert refused.value.code == ErrorCode.IMPORT_REJECTED
    assert not report.ok and not report.written
    bad = named(report.problems, "grids", f"{WEST}004", "geometry")
    assert bad and bad[0].index == 3 and "121.545 29.865" in bad[0].reason
    overlap = named(report.problems, "grids", f"{WEST}002", "geometry")
    assert overlap and f"{WEST}001" in overlap[0].reason
    gap = named(report.problems, "grids", WEST, "geometry")
    assert gap and gap[0].index is None
    assert named(report.problems, "grids", "330203001002001", "code")
    assert named(report.problems, "beats", "B2", "squadron")
    assert named(report.problems, "beats", "B1", "officer")
    assert named(report.problems, "beats", "B1", "post_start")
    assert all(p.code in p.reason for p in report.problems)


def test_it_measures_the_gap_in_square_metres(tiny_city: TinyCity) -> None:
    # given the west community's grids without grid 004 (a 0.01° square)
    grids = collection(
        "grids", *[f for f in export_layer("grids")["features"] if f["properties"]["code"] != f"{WEST}004"]
    )
    Grid.objects.filter(code=f"{WEST}004").delete()

    # when they are checked (in English, to read the figure)
    with translation.override("en"):
        report = validate_territory({"grids": grids})

    # then the missing area is reported in square metres (0.01° × 0.01° is about 1,112 m × 964 m), with where
    (gap,) = named(report.problems, "grids", WEST, "geometry")
    missing = 0.01 * 111195 * 0.01 * 111195 * np.cos(np.radians(29.87))
    reported = float(re.findall(r"([\d.]+) ?m²", gap.reason)[0])
    assert reported == pytest.approx(missing, rel=0.001)
    assert "121.545000 29.865000" in gap.reason


def test_it_refuses_a_grid_outside_its_community(tiny_city: TinyCity) -> None:
    # given a west grid stretched into the east community (and over an east grid)
    grids = with_feature(export_layer("grids"), f"{WEST}002", geometry=box(121.54, 29.87, 121.552, 29.88))

    # when it is checked
    report = validate_territory({"grids": grids})

    # then the grid is named as outside its community and overlapping
    problems = named(report.problems, "grids", f"{WEST}002", "geometry")
    assert len(problems) == 2
    assert any(EAST in p.reason for p in problems)
    assert any(f"{EAST}001" in p.reason for p in problems)


def test_it_refuses_a_community_boundary_that_leaves_stored_grids_outside(tiny_city: TinyCity) -> None:
    # given the west community's boundary shrunk to its northern half
    divisions = with_feature(export_layer("divisions"), WEST, geometry=box(121.53, 29.87, 121.55, 29.88))

    # when it is checked
    report = validate_territory({"divisions": divisions})

    # then the community is named, with each stored grid left outside
    problems = named(report.problems, "divisions", WEST, "geometry")
    assert len(problems) == 2
    assert f"{WEST}003" in problems[0].reason + problems[1].reason
    assert f"{WEST}004" in problems[0].reason + problems[1].reason


@pytest.mark.parametrize(
    ("layer", "code", "changes", "field"),
    [
        ("divisions", "330203001", {"parent": "330200"}, "parent"),  # a street under the city
        ("divisions", "330203", {"parent": "339900"}, "parent"),  # unknown parent
        ("divisions", "330203001001", {"level": "village"}, "level"),
        ("divisions", "330212001", {"parent": "330203"}, "code"),  # code not under its parent
        ("grids", f"{EAST}001", {"community": "330212001"}, "community"),  # a street, not a community
        ("grids", f"{EAST}001", {"inspector": "ghost"}, "inspector"),
        ("roads", "R1", {"grade": "motorway"}, "grade"),
        ("roads", "R1", {"geometry": box(121.53, 29.86, 121.54, 29.87)}, "geometry"),
        ("beats", "B1", {"squadron": "CG-WATER"}, "squadron"),  # a department, not a squadron
        ("beats", "B1", {"kind": "area"}, "geometry"),  # an area beat drawn as a line
        ("beats", "B1", {"post_type": "roaming"}, "post_type"),
        ("beats", "B1", {"post_start": "25:00"}, "post_start"),
        ("beats", "B2", {"post_type": "fixed"}, "post_start"),  # fixed post without hours
        ("beats", "B2", {"road": "R404"}, "road"),
        ("vending_zones", "Z1", {"weekdays": "1238"}, "weekdays"),
        ("vending_zones", "Z1", {"opens_at": "6pm"}, "opens_at"),
        ("vending_zones", "Z1", {"closes_at": "18:00"}, "closes_at"),  # same as opening
        ("vending_zones", "Z1", {"unit": "CG-NOPE"}, "unit"),
        ("vending_zones", "Z1", {"capacity": -1}, "capacity"),
        ("vending_zones", "Z1", {"code": ""}, "code"),
    ],
)
def test_it_refuses_bad_properties(
    tiny_city: TinyCity, layer: str, code: str, changes: dict[str, Any], field: str
) -> None:
    # given one exported layer with one spoilt feature
    data = with_feature(export_layer(layer), code, **changes)
    counts = row_counts()

    # when it is imported
    with pytest.raises(ImportRejected) as refused:
        import_territory({layer: data})

    # then the feature is named with the field at fault, and nothing is written
    expected_code = changes.get("code", code) or None
    assert [(p.layer, p.code, p.field) for p in refused.value.report.problems] == [
        (layer, expected_code, field)
    ]
    assert row_counts() == counts


def test_it_refuses_duplicate_codes_and_things_that_are_not_features(tiny_city: TinyCity) -> None:
    # given a grid twice, a string where a feature should be, and a layer that is not a collection
    grids = export_layer("grids")
    grids["features"].append(copy.deepcopy(grids["features"][0]))
    grids["features"].append("not a feature")
    collections = {"grids": grids, "roads": {"type": "Feature"}, "parks": collection("parks")}

    # when they are checked
    report = validate_territory(collections)

    # then each is named
    assert [(p.layer, p.index, p.field) for p in report.problems] == [
        ("parks", None, None),
        ("grids", 8, "code"),
        ("grids", 9, None),
        ("roads", None, None),
    ]  # in layer order, then file order
    assert "features[0]" in report.problems[1].reason


def test_it_stops_listing_problems_after_the_limit(tiny_city: TinyCity) -> None:
    # given more bad roads than the report lists
    roads = collection(
        "roads", *[feature({"code": f"X{i}", "name": "x", "grade": "bad"}, None) for i in range(MAX_PROBLEMS)]
    )

    # when they are checked
    report = validate_territory({"roads": roads})

    # then the first problems are listed and the rest counted, with a closing line
    assert len(report.problems) == MAX_PROBLEMS
    assert report.more_problems == MAX_PROBLEMS
    assert str(MAX_PROBLEMS) in report.problem_lines()[-1]


def test_validating_writes_nothing_and_says_what_an_import_would_do(tiny_city: TinyCity) -> None:
    # given the exported grids plus one new grid in place of nothing (after removing 004)
    grids = export_layer("grids")
    Grid.objects.filter(code=f"{WEST}004").delete()
    counts = row_counts()

    # when they are validated
    report = validate_territory({"grids": grids})

    # then the report counts one grid to create and seven to update, and nothing is written
    assert report.ok and not report.written
    assert (report.counts["grids"].created, report.counts["grids"].updated) == (1, 7)
    assert row_counts() == counts


# --- uploads and the command line ---------------------------------------------------------------


def test_uploaded_files_are_imported_or_refused_with_a_report(tiny_city: TinyCity) -> None:
    # given an upload named after its layer but without a "name" member, and an unreadable one
    roads = export_layer("roads")
    del roads["name"]
    good = SimpleUploadedFile("roads.geojson", json.dumps(roads).encode())
    broken = SimpleUploadedFile("beats.geojson", b"{not json")

    # when both are uploaded, then the report names the broken file and nothing is written
    report = import_uploaded_files([good, broken], crs="wgs84", dry_run=False)
    assert not report.ok and not report.written
    assert "beats.geojson" in report.problems[0].reason

    # when the good one is uploaded alone, as a dry run and then for real
    good.seek(0)
    assert import_uploaded_files([good], crs="wgs84", dry_run=True).written is False
    assert import_uploaded_files([good], crs="wgs84", dry_run=False).counts["roads"].unchanged == 1


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_command_exits_non_zero_with_the_problems_on_stderr(tiny_city: TinyCity, tmp_path: Path) -> None:
    # given a grids file with a bow-tie polygon, in a file whose name says nothing
    bow_tie = Polygon([(121.54, 29.86), (121.55, 29.87), (121.55, 29.86), (121.54, 29.87)])
    path = write(tmp_path, "export.json", with_feature(export_layer("grids"), f"{WEST}004", geometry=bow_tie))
    counts, stderr = row_counts(), StringIO()

    # when it is imported
    with pytest.raises(CommandError) as failed:
        call_command("import_territory", path, stdout=StringIO(), stderr=stderr)

    # then the command fails with status 1, the problem on stderr, nothing written
    assert failed.value.returncode == 1
    assert f"{WEST}004" in stderr.getvalue()
    assert row_counts() == counts


def test_the_command_dry_run_writes_nothing(tiny_city: TinyCity, tmp_path: Path) -> None:
    # given a roads file named by its stem, holding a new road
    roads = collection(
        "roads",
        feature(
            {"code": "R2", "name": "百丈路", "grade": "main"}, LineString([(121.54, 29.86), (121.54, 29.88)])
        ),
    )
    del roads["name"]
    path = write(tmp_path, "roads.geojson", roads)
    stdout = StringIO()

    # when it is imported with --dry-run, then nothing is written
    call_command("import_territory", path, "--dry-run", stdout=stdout, stderr=StringIO())
    assert not Road.objects.filter(code="R2").exists()
    assert "roads" in stdout.getvalue()

    # when it is imported for real, then the road exists
    call_command("import_territory", path, stdout=StringIO(), stderr=StringIO())
    assert Road.objects.filter(code="R2").exists()


def test_the_command_takes_the_layer_from_the_option(tiny_city: TinyCity, tmp_path: Path) -> None:
    # given a file whose name and content do not say its layer
    roads = export_layer("roads")
    del roads["name"]
    path = write(tmp_path, "data.json", roads)

    # when it is imported without and with --layer
    with pytest.raises(CommandError):
        call_command("import_territory", path, stdout=StringIO(), stderr=StringIO())
    call_command("import_territory", path, "--layer", "roads", stdout=StringIO(), stderr=StringIO())

    # then only the second one is accepted
    assert Road.objects.get(code="R1").length_m > 0


# --- speed --------------------------------------------------------------------------------------


def synthetic_city(communities: int = 100, per_side: tuple[int, int] = (4, 5)) -> dict[str, dict[str, Any]]:
    """A city of ``communities`` × 20 grids, 4 districts, 5 streets each, laid out on a lattice."""
    cell = 0.002
    nx, ny = per_side
    divisions = [feature({"code": "330200", "name": "市", "level": "city", "parent": None}, None)]
    grids = []
    for d in range(4):
        dcode = f"3302{d + 3:02d}"
        divisions.append(
            feature({"code": dcode, "name": f"区{d}", "level": "district", "parent": "330200"}, None)
        )
        for s in range(5):
            scode = f"{dcode}{s + 1:03d}"
            divisions.append(
                feature({"code": scode, "name": f"街{s}", "level": "street", "parent": dcode}, None)
            )
            for c in range(communities // 20):
                ccode = f"{scode}{c + 1:03d}"
                k = (d * 5 + s) * (communities // 20) + c
                x0, y0 = 121.4 + (k % 10) * nx * cell, 29.8 + (k // 10) * ny * cell
                outline = box(x0, y0, x0 + nx * cell, y0 + ny * cell)
                divisions.append(
                    feature(
                        {"code": ccode, "name": f"社区{k}", "level": "community", "parent": scode}, outline
                    )
                )
                for i in range(nx * ny):
                    gx, gy = x0 + (i % nx) * cell, y0 + (i // nx) * cell
                    grids.append(
                        grid_feature(f"{ccode}{i + 1:03d}", box(gx, gy, gx + cell, gy + cell), ccode)
                    )
    return {"divisions": collection("divisions", *divisions), "grids": collection("grids", *grids)}


@pytest.mark.slow
def test_it_imports_two_thousand_grids_in_seconds(db: None) -> None:
    # given a city of 2,000 grids
    city = synthetic_city()
    assert len(city["grids"]["features"]) == 2000

    # when it is imported, imported again unchanged, and again with every grid renamed
    started = time.perf_counter()
    first = import_territory(city)
    second = import_territory(city)
    for f in city["grids"]["features"]:
        f["properties"]["name"] = "网格" + f["properties"]["code"][-3:]
    third = import_territory(city)
    elapsed = time.perf_counter() - started

    # then all is created, then left alone, then updated, well within the time budget
    assert first.counts["grids"].created == 2000
    assert second.counts["grids"].unchanged == 2000
    assert third.counts["grids"].updated == 2000
    assert Grid.objects.get(code="330203001001020").name == "网格020"
    assert elapsed < 20


@pytest.mark.slow
def test_the_demo_city_survives_export_wipe_and_import(db: None) -> None:
    from chengguan.simulate.democity import load_demo_city

    # given the demo city (about 2,500 grids, Voronoi-shaped) exported
    load_demo_city()
    before = json.loads(json.dumps(export_all(), ensure_ascii=False))

    # when it is checked, wiped and imported again
    started = time.perf_counter()
    assert validate_territory(before).ok
    wipe_territory()
    report = import_territory(before)
    elapsed = time.perf_counter() - started

    # then it is back exactly, within seconds
    assert report.counts["grids"].created == len(before["grids"]["features"]) > 2000
    assert json.loads(json.dumps(export_all(), ensure_ascii=False)) == before
    assert elapsed < 20
