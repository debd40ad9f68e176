"""Exporting the territory: one GeoJSON FeatureCollection per layer, which imports back unchanged."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import shape

from chengguan.core.testing import TinyCity
from chengguan.geo.coords import wgs84_to_gcj02
from chengguan.geo.exchange import LAYERS, export_layer
from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.org.models import Division


def test_it_writes_one_utf8_file_per_layer(tiny_city: TinyCity, tmp_path: Path) -> None:
    # when the territory is exported to a directory
    call_command("export_territory", str(tmp_path / "out"), stdout=StringIO())

    # then each layer has its file, named collection, readable Chinese
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{layer}.geojson" for layer in LAYERS
    )
    text = (tmp_path / "out" / "grids.geojson").read_text(encoding="utf-8")
    grids = json.loads(text)
    assert (grids["type"], grids["name"], grids["crs_name"]) == ("FeatureCollection", "grids", "wgs84")
    assert len(grids["features"]) == 8
    assert "宁波市" in (tmp_path / "out" / "divisions.geojson").read_text(encoding="utf-8")


def test_it_writes_one_layer_to_stdout(tiny_city: TinyCity) -> None:
    # when one layer is exported to standard output
    stdout = StringIO()
    call_command("export_territory", "--stdout", "--layer", "roads", stdout=stdout)

    # then standard output holds that layer alone
    roads = json.loads(stdout.getvalue())
    assert [f["properties"]["name"] for f in roads["features"]] == ["中山东路"]


def test_it_refuses_stdout_for_several_layers(tiny_city: TinyCity) -> None:
    with pytest.raises(CommandError):
        call_command("export_territory", "--stdout", stdout=StringIO())


def test_it_writes_gcj02_coordinates_when_asked(tiny_city: TinyCity, tmp_path: Path) -> None:
    # when the roads are exported in GCJ-02
    call_command("export_territory", str(tmp_path), "--layer", "roads", "--crs", "gcj02", stdout=StringIO())

    # then the file says so and its coordinates are the GCJ-02 offsets of the stored WGS84 ones
    roads = json.loads((tmp_path / "roads.geojson").read_text(encoding="utf-8"))
    assert roads["crs_name"] == "gcj02"
    (lon, lat), *_ = shapely.get_coordinates(shape(roads["features"][0]["geometry"]))
    expected = wgs84_to_gcj02(121.53, 29.87)
    assert (lon, lat) == pytest.approx((float(expected[0]), float(expected[1])), abs=1e-9)


def test_an_export_imports_back_unchanged_after_a_wipe(tiny_city: TinyCity, tmp_path: Path) -> None:
    # given the territory exported by the command, in GCJ-02, with post hours to the second
    Beat.objects.filter(code="B1").update(post_start=dt.time(7, 30, 15))
    before = {layer: export_layer(layer) for layer in LAYERS}
    call_command("export_territory", str(tmp_path), "--crs", "gcj02", stdout=StringIO())
    for model in (VendingZone, Beat, Road, Grid):
        model.objects.all().delete()
    for level in ("community", "street", "district", "city"):
        Division.objects.filter(level=level).delete()

    # when the files are imported by the command
    files = [str(tmp_path / f"{layer}.geojson") for layer in LAYERS]
    call_command("import_territory", *files, stdout=StringIO(), stderr=StringIO())

    # then the territory is back: properties exactly, coordinates to well under a millimetre
    assert Beat.objects.get(code="B1").post_start == dt.time(7, 30, 15)
    for layer in LAYERS:
        after = export_layer(layer)
        assert [f["properties"] for f in after["features"]] == [
            f["properties"] for f in before[layer]["features"]
        ]
        for a, b in zip(after["features"], before[layer]["features"], strict=True):
            if b["geometry"] is not None:
                assert shape(a["geometry"]).equals_exact(shape(b["geometry"]), tolerance=1e-9)
