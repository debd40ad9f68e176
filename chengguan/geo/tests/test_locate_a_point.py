"""locate(lon, lat): grid, divisions, beat, squadron, officer and open vending zone of one point."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db.models import F
from shapely.geometry import box, mapping

from chengguan.core.clock import city_zone
from chengguan.core.errors import BadCoordinates, InvalidInput, OutsideCity
from chengguan.core.testing import TinyCity
from chengguan.geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from chengguan.geo.exchange import export_layer
from chengguan.geo.importing import import_territory
from chengguan.geo.locate import invalidate_index, locate
from chengguan.geo.models import Beat, BeatKind, Grid, TerritoryVersion, VendingZone

WEST_NW = "330203001001001"
WEST_NE = "330203001001002"
WEST_SW = "330203001001003"
EAST_NW = "330212001001001"
EVENING = dt.datetime(2026, 3, 4, 19, 30, tzinfo=city_zone())  # a Wednesday
NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=city_zone())


def test_a_point_inside_a_grid_gets_its_grid_and_divisions(tiny_city: TinyCity) -> None:
    loc = locate(121.535, 29.875)

    assert loc.grid_code == WEST_NW
    assert (loc.community.code, loc.community.name) == ("330203001001", "中山社区")
    assert (loc.street.code, loc.street.name) == ("330203001", "鼓楼街道")
    assert (loc.district.code, loc.district.name) == ("330203", "海曙区")


def test_a_point_on_a_shared_border_belongs_to_the_grid_with_the_smaller_code(tiny_city: TinyCity) -> None:
    on_inner_edge = locate(121.54, 29.875)  # between WEST_NW and WEST_NE
    on_district_border = locate(121.55, 29.877)  # between WEST_NE and EAST_NW

    assert on_inner_edge.grid_code == WEST_NW
    assert on_district_border.grid_code == WEST_NE
    assert on_district_border.district.code == "330203"


def test_a_point_on_a_vertex_shared_by_four_grids_belongs_to_the_smallest_code(tiny_city: TinyCity) -> None:
    assert locate(121.54, 29.87).grid_code == WEST_NW
    assert locate(121.56, 29.87).grid_code == EAST_NW


def test_a_point_on_the_city_outline_is_inside(tiny_city: TinyCity) -> None:
    assert locate(121.53, 29.88).grid_code == WEST_NW
    assert locate(121.57, 29.86).grid_code == "330212001001004"


def test_a_point_outside_the_city_is_refused_clearly(tiny_city: TinyCity) -> None:
    with pytest.raises(OutsideCity) as caught:
        locate(121.5299, 29.87)

    assert caught.value.to_dict()["code"] == "outside_city"
    assert "121.5299" in str(caught.value.message)


def test_a_point_far_away_is_refused_clearly(tiny_city: TinyCity) -> None:
    with pytest.raises(OutsideCity):
        locate(116.4, 39.9)


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        (float("nan"), 29.87, "lon"),
        (121.54, float("inf"), "lat"),
        (181, 29.87, "lon"),
        (121.54, -90.5, "lat"),
        ("east", 29.87, "lon"),
        (121.54, None, "lat"),
        (True, 29.87, "lon"),
    ],
)
def test_bad_coordinates_are_refused_naming_the_field(
    tiny_city: TinyCity, lon: object, lat: object, field: str
) -> None:
    with pytest.raises(BadCoordinates) as caught:
        locate(lon, lat)

    assert caught.value.field == field


def test_numbers_given_as_text_are_accepted(tiny_city: TinyCity) -> None:
    assert locate("121.535", "29.875").grid_code == WEST_NW


def test_gcj02_input_is_converted(tiny_city: TinyCity) -> None:
    lon, lat = 121.5395, 29.8755  # WGS84, 50 m west of the WEST_NW | WEST_NE border
    glon, glat = (float(v) for v in wgs84_to_gcj02(lon, lat))

    as_gcj = locate(glon, glat, crs="gcj02")
    taken_as_wgs = locate(glon, glat)

    assert as_gcj.grid_code == WEST_NW
    assert as_gcj.lon == pytest.approx(lon, abs=1e-9)
    assert taken_as_wgs.grid_code != WEST_NW


def test_bd09_input_is_converted(tiny_city: TinyCity) -> None:
    blon, blat = (float(v) for v in wgs84_to_bd09(121.5395, 29.8755))

    assert locate(blon, blat, crs="BD09").grid_code == WEST_NW


def test_an_unknown_coordinate_system_is_refused_naming_crs(tiny_city: TinyCity) -> None:
    with pytest.raises(InvalidInput) as caught:
        locate(121.535, 29.875, crs="osgb36")

    assert caught.value.field == "crs"


def test_a_point_on_a_beat_road_gets_the_beat_its_squadron_and_officer(tiny_city: TinyCity) -> None:
    loc = locate(121.545, 29.8702)  # 22 m north of the road, west half

    assert loc.beat.code == "B1"
    assert loc.beat.kind == "road"
    assert loc.squadron.code == "CG-SQ1"
    assert loc.officer.name == "陈刚"


def test_where_two_beat_roads_meet_the_smaller_code_wins(tiny_city: TinyCity) -> None:
    assert locate(121.55, 29.87).beat.code == "B1"
    assert locate(121.5501, 29.87).beat.code == "B2"


def test_away_from_any_beat_the_squadron_comes_from_the_territory_and_no_officer(tiny_city: TinyCity) -> None:
    west = locate(121.535, 29.878)
    east = locate(121.565, 29.862)

    assert west.beat is None
    assert west.squadron.code == "CG-SQ1"
    assert west.officer is None
    assert east.squadron.code == "CG-SQ2"


def test_an_area_beat_covers_points_away_from_the_roads(tiny_city: TinyCity) -> None:
    Beat.objects.create(
        code="B9",
        name="天一广场片区",
        kind=BeatKind.AREA,
        geometry=box(121.531, 29.876, 121.539, 29.879),
        squadron=tiny_city.units["east"],
        officer=tiny_city.users["outsider"],
    )

    loc = locate(121.535, 29.878)

    assert loc.beat.code == "B9"
    assert loc.beat.kind == "area"
    assert loc.squadron.code == "CG-SQ2"
    assert loc.officer.name == "吴外来"


def test_a_road_beat_wins_over_an_area_beat(tiny_city: TinyCity) -> None:
    Beat.objects.create(
        code="A0",
        name="整片",
        kind=BeatKind.AREA,
        geometry=box(121.53, 29.86, 121.57, 29.88),
        squadron=tiny_city.units["east"],
    )

    assert locate(121.545, 29.8701).beat.code == "B1"
    assert locate(121.545, 29.875).beat.code == "A0"


def test_the_vending_zone_is_given_only_while_it_is_open(tiny_city: TinyCity) -> None:
    assert locate(121.554, 29.876, at=EVENING).vending_zone.code == "Z1"
    assert locate(121.554, 29.876, at=NOON).vending_zone is None
    assert locate(121.554, 29.876, at=dt.datetime(2026, 3, 4, 23, 0, tzinfo=city_zone())).vending_zone is None


def test_a_closed_down_vending_zone_is_never_given(tiny_city: TinyCity) -> None:
    VendingZone.objects.filter(code="Z1").update(is_active=False)
    invalidate_index()

    assert locate(121.554, 29.876, at=EVENING).vending_zone is None


def test_a_naive_moment_is_read_in_the_city_time_zone(tiny_city: TinyCity) -> None:
    assert locate(121.554, 29.876, at=dt.datetime(2026, 3, 4, 19, 30)).vending_zone.code == "Z1"  # noqa: DTZ001


def test_the_result_is_json_friendly_with_chinese_names(tiny_city: TinyCity) -> None:
    data = locate(121.545, 29.8702, at=NOON).to_dict()

    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert data["grid"] == {"code": WEST_NE, "name": ""}
    assert data["community"] == {"code": "330203001001", "name": "中山社区"}
    assert data["district"] == {"code": "330203", "name": "海曙区"}
    assert data["beat"] == {"code": "B1", "name": "中山东路-1", "kind": "road"}
    assert data["squadron"] == {"code": "CG-SQ1", "name": "鼓楼中队"}
    assert data["officer"]["name"] == "陈刚"
    assert data["vending_zone"] is None


def test_the_index_is_rebuilt_after_a_grid_changes(tiny_city: TinyCity) -> None:
    assert locate(121.535, 29.875).grid_code == WEST_NW
    grid = Grid.objects.get(code=WEST_NW)
    grid.geometry = box(121.53, 29.877, 121.54, 29.88)  # shrinks north
    grid.save()
    Grid.objects.create(
        code="330203001001005", community=grid.community, geometry=box(121.53, 29.87, 121.54, 29.877)
    )

    assert locate(121.535, 29.875).grid_code == "330203001001005"


def test_a_change_made_by_another_process_is_seen_once_the_version_is_checked(
    tiny_city: TinyCity, settings: object
) -> None:
    settings.LOCATE_VERSION_TTL_S = 3600
    assert locate(121.535, 29.875).grid_code == WEST_NW
    # Another process shrinks the grid: no signal reaches this one, only the version row moves.
    Grid.objects.filter(code=WEST_NW).update(geometry=box(121.53, 29.879, 121.54, 29.88).wkb)
    TerritoryVersion.objects.filter(pk=1).update(version=F("version") + 1)

    still_cached = locate(121.535, 29.875)
    settings.LOCATE_VERSION_TTL_S = 0

    assert still_cached.grid_code == WEST_NW
    with pytest.raises(OutsideCity):
        locate(121.535, 29.875)


def test_an_import_in_this_process_is_seen_at_once(tiny_city: TinyCity, settings: object) -> None:
    settings.LOCATE_VERSION_TTL_S = 3600  # type: ignore[attr-defined]
    assert locate(121.535, 29.875).grid_code == WEST_NW
    grids = export_layer("grids")
    for feature in grids["features"]:
        if feature["properties"]["code"] == WEST_NW:
            feature["geometry"] = mapping(box(121.53, 29.879, 121.54, 29.88))
        if feature["properties"]["code"] == WEST_SW:
            feature["geometry"] = mapping(box(121.53, 29.86, 121.54, 29.879))

    import_territory({"grids": grids})  # bulk writes, no model signals

    assert locate(121.535, 29.875).grid_code == WEST_SW


def test_an_empty_territory_has_no_inside(db: None) -> None:
    with pytest.raises(OutsideCity):
        locate(121.535, 29.875)
