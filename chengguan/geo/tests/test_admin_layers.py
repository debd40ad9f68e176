"""The GeoJSON layer endpoint behind the admin maps: staff only, filtered by territory and by query."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chengguan.core.testing import EAST_DISTRICT, WEST_DISTRICT, TinyCity

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    return sorted(f["properties"]["code"] for f in response.json()["features"])


def test_anonymous_is_denied(client, tiny_city: TinyCity) -> None:
    response = client.get(reverse("geo:layer", args=["grids"]))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert b"FeatureCollection" not in response.content


def test_non_staff_is_denied(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["officer"])  # not staff
    response = client.get(reverse("geo:layer", args=["grids"]))
    assert response.status_code == 302


def test_squadron_officer_sees_only_the_grids_of_his_territory(client, tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]  # squadron CG-SQ1, the west street
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    west = sorted(c for c in tiny_city.grids if c.startswith(WEST_DISTRICT))
    assert _codes(client.get(reverse("geo:layer", args=["grids"]))) == west
    # the filtered form keeps the territory rule
    url = reverse("geo:layer", args=["grids"])
    assert _codes(client.get(url, {"prefix": EAST_DISTRICT})) == []
    assert _codes(client.get(url, {"bbox": "121.50,29.80,121.60,29.90"})) == west


def test_admin_sees_every_grid(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["admin"])
    assert _codes(client.get(reverse("geo:layer", args=["grids"]))) == sorted(tiny_city.grids)


def test_filters_by_prefix_level_and_bbox(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["admin"])
    grids = reverse("geo:layer", args=["grids"])
    community = EAST_DISTRICT + "001001"
    assert _codes(client.get(grids, {"prefix": community})) == [community + f"{i:03d}" for i in range(1, 5)]
    # the north-east cell of the east community only (a box strictly inside it)
    assert _codes(client.get(grids, {"bbox": "121.5625,29.8725,121.5675,29.8775"})) == [community + "002"]
    divisions = reverse("geo:layer", args=["divisions"])
    assert _codes(client.get(divisions, {"level": "district"})) == [WEST_DISTRICT, EAST_DISTRICT]
    assert _codes(client.get(divisions, {"level": "street", "prefix": EAST_DISTRICT})) == [
        EAST_DISTRICT + "001"
    ]
    roads = reverse("geo:layer", args=["roads"])
    assert _codes(client.get(roads, {"bbox": "121.0,29.0,121.1,29.1"})) == []
    assert _codes(client.get(roads, {"bbox": "121.5,29.8,121.6,29.9"})) == ["R1"]


@pytest.mark.parametrize(
    ("layer", "params", "field"),
    [
        ("grids", {"bbox": "1,2,3"}, "bbox"),
        ("grids", {"bbox": "a,b,c,d"}, "bbox"),
        ("grids", {"bbox": "3,3,1,1"}, "bbox"),
        ("grids", {"prefix": "33'02"}, "prefix"),
        ("roads", {"prefix": "3302"}, "prefix"),
        ("divisions", {"level": "planet"}, "level"),
    ],
)
def test_bad_filter_is_a_400_naming_the_parameter(client, tiny_city: TinyCity, layer, params, field) -> None:
    client.force_login(tiny_city.users["admin"])
    response = client.get(reverse("geo:layer", args=[layer]), params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_unknown_layer_is_404(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["admin"])
    assert client.get(reverse("geo:layer", args=["planets"])).status_code == 404
