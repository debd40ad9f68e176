"""GET /api/v1/locate/: who is responsible for a point (staff only)."""

from __future__ import annotations

from chengguan.cases.tests.api.conftest import OUTSIDE, WEST, Clients


def test_it_locates_a_point_for_staff(as_user: Clients) -> None:
    # when
    response = as_user("officer").get("/api/v1/locate/", {"lon": WEST[0], "lat": WEST[1]})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "330203001001001"
    assert body["district"]["code"] == "330203"
    assert body["squadron"]["code"] == "CG-SQ1"


def test_it_converts_gcj02_coordinates_first(as_user: Clients) -> None:
    response = as_user("dispatcher").get(
        "/api/v1/locate/", {"lon": "121.5395", "lat": "29.8725", "crs": "gcj02"}
    )
    assert response.status_code == 200
    assert response.json()["lon"] != 121.5395


def test_it_answers_422_for_a_point_outside_the_city(as_user: Clients) -> None:
    response = as_user("dispatcher").get("/api/v1/locate/", {"lon": OUTSIDE[0], "lat": OUTSIDE[1]})
    assert response.status_code == 422
    assert response.json()["code"] == "outside_city"


def test_it_refuses_a_bad_number_naming_the_field(as_user: Clients) -> None:
    response = as_user("dispatcher").get("/api/v1/locate/", {"lon": "east", "lat": "29.87"})
    assert response.status_code == 400
    assert response.json()["field"] == "lon"


def test_it_refuses_an_unknown_crs_naming_the_field(as_user: Clients) -> None:
    response = as_user("dispatcher").get(
        "/api/v1/locate/", {"lon": "121.535", "lat": "29.875", "crs": "mars"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "crs"


def test_it_refuses_citizens(as_user: Clients) -> None:
    response = as_user("citizen").get("/api/v1/locate/", {"lon": WEST[0], "lat": WEST[1]})
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_it_refuses_anonymous_visitors(as_user: Clients) -> None:
    response = as_user(None).get("/api/v1/locate/", {"lon": WEST[0], "lat": WEST[1]})
    assert response.status_code in (401, 403)
