"""May this actor see or act at this place? (org.access)"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from chengguan.core.errors import AccessDenied
from chengguan.core.testing import EAST_DISTRICT, WEST_DISTRICT, TinyCity
from chengguan.geo.models import Grid
from chengguan.org.access import can_act_at, check_can_act_at, filter_to_territory, territory_of, territory_q
from chengguan.org.models import Division

WEST_GRID = WEST_DISTRICT + "001001001"
EAST_GRID = EAST_DISTRICT + "001001001"


def test_an_officer_may_act_in_his_squadrons_street(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]

    assert can_act_at(officer, WEST_GRID)
    assert can_act_at(officer, tiny_city.communities[WEST_DISTRICT + "001001"])
    assert can_act_at(officer, tiny_city.grids[WEST_GRID])


def test_an_officer_outside_the_territory_is_denied(tiny_city: TinyCity) -> None:
    outsider = tiny_city.users["outsider"]

    assert not can_act_at(outsider, WEST_GRID)
    with pytest.raises(AccessDenied) as denied:
        check_can_act_at(outsider, tiny_city.grids[WEST_GRID])

    assert denied.value.http_status == 403
    assert denied.value.details["place"] == WEST_GRID


def test_a_squadron_does_not_see_the_whole_district_above_its_street(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]

    assert not can_act_at(officer, tiny_city.districts[EAST_DISTRICT])
    assert not can_act_at(officer, tiny_city.city)


def test_a_department_under_the_bureau_inherits_the_whole_city(tiny_city: TinyCity) -> None:
    department = tiny_city.users["department"]

    assert can_act_at(department, WEST_GRID)
    assert can_act_at(department, EAST_GRID)


def test_bureau_staff_act_across_the_city(tiny_city: TinyCity) -> None:
    for role in ("dispatcher", "operator", "leader", "admin"):
        assert can_act_at(tiny_city.users[role], EAST_GRID), role


def test_citizens_and_anonymous_visitors_act_nowhere(tiny_city: TinyCity) -> None:
    assert not can_act_at(tiny_city.users["citizen"], WEST_GRID)
    assert not can_act_at(AnonymousUser(), WEST_GRID)


def test_a_deactivated_officer_is_denied(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    officer.is_active = False
    officer.save()
    officer.refresh_from_db()

    assert not can_act_at(officer, WEST_GRID)


def test_a_unit_without_territory_or_parent_acts_nowhere(tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    squadron = tiny_city.units["west"]
    squadron.territory.clear()
    squadron.parent = None
    squadron.save()
    officer.refresh_from_db()

    assert not can_act_at(officer, WEST_GRID)


def test_territory_q_keeps_its_meaning_when_combined_with_another_condition(tiny_city: TinyCity) -> None:
    everywhere = territory_of(tiny_city.users["admin"])
    west_only = territory_of(tiny_city.users["officer"])
    city_row = Q(level="city")

    everything = Division.objects.filter(city_row | territory_q(everywhere))
    west = Division.objects.filter(city_row | territory_q(west_only))

    assert everything.count() == Division.objects.count()
    assert sorted(west.values_list("code", flat=True)) == [
        "330200",
        WEST_DISTRICT + "001",
        WEST_DISTRICT + "001001",
    ]


def test_filter_to_territory_keeps_only_the_officers_grids(tiny_city: TinyCity) -> None:
    grids = filter_to_territory(Grid.objects.all(), tiny_city.users["officer"])

    assert {g.code for g in grids} == {c for c in tiny_city.grids if c.startswith(WEST_DISTRICT)}
    assert not filter_to_territory(Grid.objects.all(), tiny_city.users["citizen"]).exists()
