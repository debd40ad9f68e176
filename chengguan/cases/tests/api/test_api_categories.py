"""GET /api/v1/categories/: the active catalog with its time limits, for any logged-in user."""

from __future__ import annotations

from chengguan.cases.tests.api.conftest import Clients
from chengguan.catalog.models import Category


def test_it_lists_active_categories_with_their_time_limits(as_user: Clients) -> None:
    # given
    Category.objects.filter(kind="event", code="0101").update(is_active=False)
    # when
    response = as_user("citizen").get("/api/v1/categories/")
    # then
    assert response.status_code == 200
    rows = {(row["kind"], row["code"]): row for row in response.json()}
    assert ("event", "0101") not in rows
    vending = rows[("event", "0504")]
    assert vending["name_zh"] == "占道经营"
    assert {"step": "handle", "urgency": "normal", "amount": "2.00", "unit": "working_hours"} in vending[
        "time_limits"
    ]


def test_it_filters_categories_by_kind(as_user: Clients) -> None:
    response = as_user("officer").get("/api/v1/categories/", {"kind": "component"})
    assert response.status_code == 200
    assert {row["kind"] for row in response.json()} == {"component"}


def test_it_refuses_an_unknown_kind_naming_the_parameter(as_user: Clients) -> None:
    response = as_user("officer").get("/api/v1/categories/", {"kind": "plant"})
    assert response.status_code == 400
    assert response.json()["field"] == "kind"


def test_it_refuses_an_unknown_query_parameter(as_user: Clients) -> None:
    response = as_user("officer").get("/api/v1/categories/", {"colour": "red"})
    assert response.status_code == 400
    assert response.json()["field"] == "colour"


def test_it_refuses_anonymous_visitors_with_json(as_user: Clients) -> None:
    response = as_user(None).get("/api/v1/categories/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
