"""Vending zones: ``permitting_zone`` for intake, the public map, vendors registered to a zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.geo.locate import locate
from chengguan.portal import services
from chengguan.portal.tests.conftest import EAST, NIGHT_MARKET, OUTSIDE, STREET_VENDING
from chengguan.portal.vending import permitting_zone

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("Asia/Shanghai")
EVENING = dt.datetime(2026, 11, 23, 19, 30, tzinfo=CITY)
MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CITY)


def test_vending_inside_an_open_zone_is_permitted(tiny_city: TinyCity) -> None:
    assert permitting_zone(STREET_VENDING, NIGHT_MARKET, EVENING) == tiny_city.zone
    assert permitting_zone(STREET_VENDING, locate(*NIGHT_MARKET), EVENING) == tiny_city.zone


def test_vending_in_a_closed_zone_or_outside_zones_is_not(tiny_city: TinyCity) -> None:
    assert permitting_zone(STREET_VENDING, NIGHT_MARKET, MORNING) is None
    assert permitting_zone(STREET_VENDING, EAST, EVENING) is None
    assert permitting_zone(STREET_VENDING, OUTSIDE, EVENING) is None


def test_other_categories_are_never_permitted_vending(tiny_city: TinyCity) -> None:
    assert permitting_zone("component:0102", NIGHT_MARKET, EVENING) is None
    assert permitting_zone("event:0501", NIGHT_MARKET, EVENING) == tiny_city.zone


def test_the_policy_names_the_vending_categories(tiny_city: TinyCity) -> None:
    policy = services.get_policy()
    policy.vending_categories = ["event:0501"]
    policy.save()
    assert permitting_zone(STREET_VENDING, NIGHT_MARKET, EVENING) is None


def test_an_inactive_zone_permits_nothing(tiny_city: TinyCity) -> None:
    from chengguan.geo.locate import invalidate_index

    tiny_city.zone.is_active = False
    tiny_city.zone.save()
    invalidate_index()
    assert permitting_zone(STREET_VENDING, NIGHT_MARKET, EVENING) is None


def test_the_public_map_shows_zones_hours_and_goods(client: Client, tiny_city: TinyCity) -> None:
    page = client.get("/en/vending/").content.decode()
    assert "东胜夜市" in page and "水果、小吃" in page and "18:00" in page
    zones = client.get("/map/zones.geojson").json()
    props = zones["features"][0]["properties"]
    assert props["name"] == "东胜夜市" and props["goods"] == "水果、小吃" and props["hours"] == "18:00–23:00"
    city = client.get("/map/city.geojson?grids=1").json()
    levels = {f["properties"]["level"] for f in city["features"]}
    assert levels == {"city", "district", "street", "grid"}


def test_staff_register_a_vendor_to_a_zone(client: Client, tiny_city: TinyCity) -> None:
    registration = services.register_vendor(
        zone=tiny_city.zone,
        vendor_name="钱七",
        vendor_phone="13500001111",
        goods="水果",
        stall="A-01",
        valid_from=dt.date(2026, 11, 1),
        actor=tiny_city.users["squadron_leader"],
    )
    assert registration.zone == tiny_city.zone
    with pytest.raises(Conflict):
        services.register_vendor(
            zone=tiny_city.zone,
            vendor_name="孙八",
            goods="小吃",
            stall="A-01",
            valid_from=dt.date(2026, 11, 1),
            actor=tiny_city.users["squadron_leader"],
        )
    with pytest.raises(InvalidInput):
        services.register_vendor(
            zone=tiny_city.zone,
            vendor_name="孙八",
            goods="",
            valid_from=dt.date(2026, 11, 1),
            actor=tiny_city.users["squadron_leader"],
        )
    with pytest.raises(AccessDenied):
        services.register_vendor(
            zone=tiny_city.zone,
            vendor_name="孙八",
            goods="x",
            valid_from=dt.date(2026, 11, 1),
            actor=tiny_city.users["citizen"],
        )
    # the public map counts the vendors but never shows who they are
    assert client.get("/map/zones.geojson").json()["features"][0]["properties"]["vendors"] == 1
    assert "钱七" not in client.get("/en/vending/").content.decode()
