"""The demo city: a realistic, consistent and reproducible piece of central Ningbo."""

from __future__ import annotations

from collections import defaultdict
from datetime import time
from itertools import pairwise

import numpy as np
import pytest
import shapely
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group

from chengguan.geo.models import Beat, BeatKind, Grid, PostType, Road, RoadGrade, VendingZone
from chengguan.geo.projection import area_m2, length_m
from chengguan.geo.versioning import get_territory_version
from chengguan.org.codes import check_code
from chengguan.org.models import Division, DivisionLevel, Unit, UnitKind, User
from chengguan.org.roles import Role
from chengguan.simulate.democity import (
    DEMO_PASSWORD,
    PROJECTION,
    DemoCityNotEmpty,
    DemoCityReport,
    load_demo_city,
    plan_demo_city,
)
from chengguan.simulate.tests.conftest import SEED, city_digest, wipe_city

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REL = 1e-6
METRE_DEG = 1 / 111_195  # one metre of latitude in degrees


def divisions(level: str) -> list[Division]:
    return list(Division.objects.filter(level=level).order_by("code"))


def midpoint(line: shapely.Geometry) -> shapely.Point:
    return PROJECTION.unproject(PROJECTION.project(line).interpolate(0.5, normalized=True))


# --- territory -------------------------------------------------------------------------------


def test_the_city_is_central_ningbo_of_about_25_km2_with_an_irregular_outline(
    demo_city: DemoCityReport,
) -> None:
    city = Division.objects.get(level=DivisionLevel.CITY)
    assert (city.code, city.name) == ("330200", "宁波市")
    assert 22e6 < area_m2(city.boundary) < 28e6
    centre = city.boundary.centroid
    assert abs(centre.x - 121.55) < 0.01 and abs(centre.y - 29.87) < 0.01
    assert city.boundary.geom_type == "Polygon"
    assert city.boundary.area / city.boundary.envelope.area < 0.9  # not a rectangle
    assert len(city.boundary.exterior.coords) > 50


def test_it_has_real_districts_and_enough_streets_communities_and_grids(demo_city: DemoCityReport) -> None:
    districts = {d.code: d.name for d in divisions(DivisionLevel.DISTRICT)}
    assert districts == {"330203": "海曙区", "330212": "鄞州区", "330205": "江北区"}
    streets = divisions(DivisionLevel.STREET)
    assert len(streets) >= 8
    assert all(s.name.endswith("街道") for s in streets)
    assert {
        "鼓楼街道",
        "南门街道",
        "月湖街道",
        "西门街道",
        "东胜街道",
        "明楼街道",
        "百丈街道",
        "福明街道",
    } <= {s.name for s in streets}
    communities = divisions(DivisionLevel.COMMUNITY)
    assert len(communities) >= 40
    assert all(c.name.endswith("社区") for c in communities)
    assert {"中山社区", "天一社区"} <= {c.name for c in communities}
    assert Grid.objects.count() >= 2000
    assert (demo_city.districts, demo_city.streets, demo_city.communities, demo_city.grids) == (
        3,
        len(streets),
        len(communities),
        Grid.objects.count(),
    )


def test_every_division_and_grid_code_matches_its_parents(demo_city: DemoCityReport) -> None:
    for division in Division.objects.select_related("parent"):
        check_code(division.level, division.code, division.parent.code if division.parent else None)
        division.clean()
    for code, community in Grid.objects.values_list("code", "community__code"):
        check_code("grid", code, community)


def test_the_scenario_grid_lies_in_gulou_street_and_is_inspected_by_wang(demo_city: DemoCityReport) -> None:
    grid = Grid.objects.select_related("community__parent__parent", "inspector").get(code="330203001002017")
    assert grid.community.parent.name == "鼓楼街道"
    assert grid.community.parent.parent.name == "海曙区"
    assert grid.inspector.username == "wang"


def test_grids_of_each_community_cover_it_without_overlap_or_gap(demo_city: DemoCityReport) -> None:
    grids = defaultdict(list)
    for community_id, geometry in Grid.objects.values_list("community_id", "geometry"):
        grids[community_id].append(geometry)
    for community in divisions(DivisionLevel.COMMUNITY):
        parts = grids[community.pk]
        assert len(parts) >= 3, community.code
        total = sum(g.area for g in parts)
        assert total == pytest.approx(community.boundary.area, rel=REL), community.code
        union = shapely.union_all(parts)
        assert union.symmetric_difference(community.boundary).area < REL * community.boundary.area, (
            community.code
        )


def test_neighbouring_grids_share_identical_vertices(demo_city: DemoCityReport) -> None:
    geoms = np.array(list(Grid.objects.order_by("code").values_list("geometry", flat=True)), dtype=object)
    assert all(g.geom_type == "Polygon" and g.is_valid for g in geoms)
    coords = [shapely.get_coordinates(g) for g in geoms]
    vertex_sets = [set(map(tuple, c)) for c in coords]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = 0
    for a, b in zip(left, right, strict=True):
        if a == b:
            continue
        on_b = shapely.distance(shapely.points(coords[a]), geoms[b].boundary) < 1e-9
        touching = set(map(tuple, coords[a][on_b]))
        assert touching <= vertex_sets[b], (a, b)
        pairs += len(touching) > 1
    assert pairs > 4 * len(geoms)  # a real tiling: every grid has several neighbours


def test_each_division_boundary_is_the_union_of_its_children(demo_city: DemoCityReport) -> None:
    children = defaultdict(list)
    for division in Division.objects.exclude(parent=None):
        children[division.parent_id].append(division.boundary)
    for parent in Division.objects.exclude(level=DivisionLevel.COMMUNITY):
        union = shapely.union_all(children[parent.pk])
        assert union.symmetric_difference(parent.boundary).area < REL * parent.boundary.area, parent.code


def test_grids_are_numbered_west_to_east_then_north_to_south(demo_city: DemoCityReport) -> None:
    by_community = defaultdict(list)
    for code, geometry in Grid.objects.order_by("code").values_list("code", "geometry"):
        by_community[code[:12]].append(geometry.representative_point())
    for community, points in by_community.items():
        ys = np.array([p.y for p in points])
        third = max(1, len(points) // 3)
        assert ys[:third].mean() > ys[-third:].mean(), community
        assert ys[0] > ys.max() - 110 * METRE_DEG, community  # grid 001 lies in the northernmost row
        for before, after in pairwise(points):  # the next grid lies east in the same row, or further south
            assert after.x > before.x or after.y < before.y, community


def test_grid_areas_are_about_ten_thousand_square_metres(demo_city: DemoCityReport) -> None:
    areas = []
    for geometry, recorded in Grid.objects.values_list("geometry", "area_m2"):
        assert recorded == pytest.approx(area_m2(geometry), rel=1e-9)
        areas.append(recorded)
    assert 7_000 < np.mean(areas) < 13_000
    assert min(areas) > 1_000
    city = Division.objects.get(level=DivisionLevel.CITY)
    assert sum(areas) == pytest.approx(area_m2(city.boundary), rel=1e-3)


def test_every_grid_has_an_inspector(demo_city: DemoCityReport) -> None:
    assert not Grid.objects.filter(inspector=None).exists()
    inspectors = User.objects.filter(inspected_grids__isnull=False).distinct()
    assert all(u.has_role(Role.INSPECTOR) for u in inspectors)


# --- roads and beats -------------------------------------------------------------------------


def test_roads_of_all_three_grades_lie_inside_the_city(demo_city: DemoCityReport) -> None:
    city = Division.objects.get(level=DivisionLevel.CITY).boundary
    roads = list(Road.objects.all())
    grades = defaultdict(int)
    for road in roads:
        grades[road.grade] += 1
        assert city.contains(road.geometry), road.name
        assert road.length_m == pytest.approx(length_m(road.geometry), rel=1e-9)
    assert grades[RoadGrade.MAIN] >= 10 and grades[RoadGrade.SECONDARY] >= 8 and grades[RoadGrade.ALLEY] >= 50
    names = {(r.name, r.grade) for r in roads}
    for name in ("中山东路", "中山西路", "解放南路"):
        assert (name, RoadGrade.MAIN) in names
    for name in ("开明街", "药行街"):
        assert (name, RoadGrade.SECONDARY) in names
    assert ("鼓楼步行街", RoadGrade.ALLEY) in names
    assert demo_city.roads == dict(grades)


def test_main_and_secondary_roads_form_a_street_network(demo_city: DemoCityReport) -> None:
    lattice = list(Road.objects.exclude(grade=RoadGrade.ALLEY))
    geoms = np.array([r.geometry for r in lattice], dtype=object)
    for road in lattice:
        crossings = np.count_nonzero(shapely.intersects(geoms, road.geometry)) - 1
        assert crossings >= 1, road.name
    assert np.mean([np.count_nonzero(shapely.intersects(geoms, g)) - 1 for g in geoms]) > 4


def test_every_main_and_secondary_road_is_covered_by_beats(demo_city: DemoCityReport) -> None:
    beats = defaultdict(list)
    for beat in Beat.objects.filter(kind=BeatKind.ROAD):
        beats[beat.road_id].append(beat)
    for road in Road.objects.exclude(grade=RoadGrade.ALLEY):
        stretches = beats[road.pk]
        assert stretches, road.name
        assert sum(length_m(b.geometry) for b in stretches) == pytest.approx(road.length_m, rel=1e-4)
        covered = shapely.union_all([b.geometry for b in stretches]).buffer(1e-7)
        assert road.geometry.difference(covered).length < REL * road.geometry.length, road.name
        for beat in stretches:
            assert road.geometry.buffer(1e-6).contains(beat.geometry)
            assert beat.name.startswith(f"{road.name}-")
            if len(stretches) > 1:
                assert 300 < length_m(beat.geometry) < 900
    assert not Beat.objects.filter(road__grade=RoadGrade.ALLEY).exists()
    assert Beat.objects.filter(name="中山东路-3").exists()


def test_each_road_beat_belongs_to_the_squadron_whose_territory_holds_its_midpoint(
    demo_city: DemoCityReport,
) -> None:
    squadron_of_street = {
        street_id: unit_id
        for unit_id, street_id in Unit.territory.through.objects.filter(
            unit__kind=UnitKind.SQUADRON
        ).values_list("unit_id", "division_id")
    }
    streets = divisions(DivisionLevel.STREET)
    tree = shapely.STRtree([s.boundary for s in streets])
    for beat in Beat.objects.filter(kind=BeatKind.ROAD).select_related("officer"):
        hits = tree.query(midpoint(beat.geometry), predicate="intersects")
        assert len(hits) >= 1, beat.name
        assert beat.squadron_id == squadron_of_street[streets[int(hits.min())].pk], beat.name
        assert beat.officer.unit_id == beat.squadron_id
        assert beat.officer.has_role(Role.OFFICER)


def test_every_street_is_covered_by_exactly_one_squadron(demo_city: DemoCityReport) -> None:
    squadrons = list(Unit.objects.filter(kind=UnitKind.SQUADRON).prefetch_related("territory"))
    assert len(squadrons) >= 4
    covered = defaultdict(list)
    for squadron in squadrons:
        streets = list(squadron.territory.all())
        assert len(streets) >= 2
        assert squadron.parent.kind == UnitKind.BRIGADE
        district = squadron.parent.territory.get()
        for street in streets:
            assert street.level == DivisionLevel.STREET
            assert street.parent_id == district.pk
            covered[street.pk].append(squadron.code)
    assert sorted(covered) == sorted(s.pk for s in divisions(DivisionLevel.STREET))
    assert all(len(codes) == 1 for codes in covered.values())


def test_the_bureau_has_brigades_departments_and_partner_agencies(demo_city: DemoCityReport) -> None:
    bureau = Unit.objects.get(kind=UnitKind.BUREAU)
    assert list(bureau.territory.values_list("code", flat=True)) == ["330200"]
    brigades = Unit.objects.filter(kind=UnitKind.BRIGADE)
    assert sorted(b.territory.get().code for b in brigades) == ["330203", "330205", "330212"]
    assert all(b.parent_id == bureau.pk for b in brigades)
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert sorted(d.specialty for d in departments) == sorted(
        ["sanitation", "roads", "greenery", "water", "power", "utilities"]
    )
    assert all(d.parent_id == bureau.pk and not d.territory.exists() for d in departments)
    agencies = Unit.objects.filter(kind=UnitKind.AGENCY)
    assert sorted(a.specialty for a in agencies) == ["market", "police", "traffic"]


def test_squadrons_have_a_leader_officers_with_badges_and_auxiliaries(demo_city: DemoCityReport) -> None:
    for squadron in Unit.objects.filter(kind=UnitKind.SQUADRON):
        staff = list(squadron.staff.all())
        leaders = [u for u in staff if u.has_role(Role.SQUADRON_LEADER)]
        officers = [u for u in staff if u.has_role(Role.OFFICER)]
        auxiliaries = [u for u in staff if u.has_role(Role.AUXILIARY)]
        assert len(leaders) == 1 and 4 <= len(officers) <= 6 and auxiliaries, squadron.name
        for officer in [*leaders, *officers]:
            assert officer.badge_number
            assert 2 <= len(officer.name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in officer.name)
        assert all(not aux.badge_number for aux in auxiliaries)
    badges = list(User.objects.exclude(badge_number="").values_list("badge_number", flat=True))
    assert len(badges) == len(set(badges))


def test_fixed_posts_have_hours_and_mobile_patrols_do_not(demo_city: DemoCityReport) -> None:
    fixed = Beat.objects.filter(post_type=PostType.FIXED)
    mobile = Beat.objects.filter(post_type=PostType.MOBILE)
    assert fixed.exists() and mobile.count() > fixed.count()
    assert not fixed.filter(post_start=None).exists() and not fixed.filter(post_end=None).exists()
    assert fixed.filter(post_start=time(7, 0), post_end=time(19, 0)).exists()
    assert not mobile.exclude(post_start=None).exists()
    for beat in Beat.objects.select_related("squadron"):
        beat.clean()


def test_area_beats_are_polygons_and_chen_has_the_gulou_shopping_area(demo_city: DemoCityReport) -> None:
    areas = list(Beat.objects.filter(kind=BeatKind.AREA).select_related("officer", "squadron"))
    assert len(areas) >= 2
    assert all(b.geometry.geom_type == "Polygon" and b.officer is not None for b in areas)
    alley = Road.objects.get(name="鼓楼步行街")
    gulou = next(b for b in areas if b.geometry.contains(alley.geometry))
    assert gulou.officer.username == "chen"
    assert gulou.squadron.name == "鼓楼中队"


# --- vending zones ---------------------------------------------------------------------------


def test_vending_zones_open_in_the_evening_early_in_the_morning_and_past_midnight(
    demo_city: DemoCityReport,
) -> None:
    city = Division.objects.get(level=DivisionLevel.CITY).boundary
    zones = list(VendingZone.objects.select_related("unit"))
    assert 4 <= len(zones) <= 6
    for zone in zones:
        zone.clean()
        assert city.contains(zone.geometry)
        assert 2_000 <= area_m2(zone.geometry) <= 10_000
        assert zone.unit.kind == UnitKind.SQUADRON
        assert zone.permitted_goods and zone.capacity > 0
    evening = [z for z in zones if time(17, 0) <= z.opens_at <= time(20, 0)]
    assert len(evening) >= 3
    assert any(z.opens_at == time(18, 0) and z.closes_at == time(23, 0) for z in zones)
    assert any(z.opens_at < time(6, 0) and z.closes_at <= time(9, 0) for z in zones)
    assert any(z.closes_at < z.opens_at for z in zones)  # open past midnight


def test_the_night_market_is_two_streets_away_from_the_gulou_pedestrian_street(
    demo_city: DemoCityReport,
) -> None:
    alley = Road.objects.get(name="鼓楼步行街").geometry
    market = VendingZone.objects.select_related("unit").get(name="城隍庙夜市")
    assert (market.opens_at, market.closes_at) == (time(18, 0), time(23, 0))
    assert not market.geometry.intersects(alley)
    way = shapely.shortest_line(alley, market.geometry)
    streets = Road.objects.exclude(grade=RoadGrade.ALLEY).values_list("name", "geometry")
    crossed = {name for name, geometry in streets if geometry.distance(way) < 1e-6}
    assert len(crossed) == 2, crossed
    assert market.unit.name == "鼓楼中队"


# --- people ----------------------------------------------------------------------------------


def test_each_role_has_a_demo_login_with_the_shared_password(demo_city: DemoCityReport) -> None:
    assert [login.role for login in demo_city.logins] == list(Role.values)
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1  # hashed once, shared by every demo user
    for login in demo_city.logins:
        user = User.objects.get(username=login.username)
        assert user.has_role(login.role)
        assert user.name == login.name and login.password == DEMO_PASSWORD
        assert user.is_staff == (login.role != Role.CITIZEN)
    assert authenticate(username="wang", password=DEMO_PASSWORD) is not None
    assert authenticate(username="wang", password="wrong") is None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_the_scenario_people_are_where_the_scenarios_need_them(demo_city: DemoCityReport) -> None:
    people = {u.username: u for u in User.objects.select_related("unit")}
    assert (people["wang"].name, people["li"].name, people["zhao"].name) == ("王强", "李娜", "赵敏")
    chen = people["chen"]
    assert chen.name == "陈刚" and chen.has_role(Role.OFFICER) and chen.badge_number
    assert chen.unit.kind == UnitKind.SQUADRON and chen.unit.code.endswith("ZD02")
    assert people["zhou"].unit_id == chen.unit_id and people["zhou"].has_role(Role.SQUADRON_LEADER)
    assert people["sun"].unit.specialty == "water" and people["sun"].has_role(Role.DEPARTMENT)
    assert people["qian"].has_role(Role.LEGAL_REVIEWER) and people["liu"].has_role(Role.LEADER)
    assert Beat.objects.filter(officer=chen, kind=BeatKind.ROAD).exists()


def test_staff_may_view_the_territory_and_only_admins_may_change_it(demo_city: DemoCityReport) -> None:
    wang = User.objects.get(username="wang")
    assert wang.has_perm("geo.view_grid") and wang.has_perm("org.view_division")
    assert not wang.has_perm("geo.change_grid")
    liu = User.objects.get(username="liu")
    assert liu.has_perm("geo.view_beat") and not liu.has_perm("geo.delete_beat")
    admins = Group.objects.get(name=Role.ADMIN)
    assert admins.permissions.filter(codename="change_grid").exists()
    assert admins.permissions.filter(codename="add_unit").exists()
    assert not User.objects.get(username="citizen").has_perm("geo.view_grid")


# --- loading ---------------------------------------------------------------------------------


def test_it_refuses_to_load_into_a_non_empty_database(demo_city: DemoCityReport) -> None:
    before = (Division.objects.count(), Grid.objects.count(), User.objects.count())
    with pytest.raises(DemoCityNotEmpty):
        load_demo_city(SEED)
    assert (Division.objects.count(), Grid.objects.count(), User.objects.count()) == before


def test_it_refuses_when_a_demo_user_name_is_taken(demo_city: DemoCityReport) -> None:
    wipe_city()
    User.objects.create(username="chen")
    with pytest.raises(DemoCityNotEmpty, match="chen"):
        load_demo_city(SEED)
    assert not Division.objects.exists()


def test_same_seed_gives_the_same_city(demo_city: DemoCityReport) -> None:
    first = city_digest()
    version = get_territory_version()
    wipe_city()
    report = load_demo_city(SEED)
    assert city_digest() == first
    assert get_territory_version() == version + 1  # one bump for the whole load
    assert report.grids == demo_city.grids and report.logins == demo_city.logins


def test_another_seed_gives_another_city(demo_city: DemoCityReport) -> None:
    other = plan_demo_city(SEED + 1)
    ours = {code: shapely.to_wkb(g) for code, g in Grid.objects.values_list("code", "geometry")}
    theirs = {g.code: shapely.to_wkb(g.geometry) for g in other.grids}
    assert ours != theirs
    assert len(other.grids) >= 2000
