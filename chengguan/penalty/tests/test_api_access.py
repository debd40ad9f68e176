"""Who sees proceedings through the API: role and territory, each denial tested."""

from __future__ import annotations

from typing import Any

import pytest

from chengguan.core.testing import TinyCity
from chengguan.penalty.tests.builders import opened
from chengguan.penalty.tests.conftest import Clients

BASE = "/api/v1/penalty/proceedings/"


@pytest.fixture
def proceeding(city: TinyCity, violation: Any) -> Any:
    return opened(city, violation)


@pytest.mark.parametrize("username", ["officer", "squadron_leader", "reviewer", "leader", "admin"])
def test_enforcement_staff_of_the_territory_see_the_proceeding(
    as_user: Clients, proceeding: Any, username: str
) -> None:
    listed = as_user(username).get(BASE).json()["results"]
    assert [p["id"] for p in listed] == [proceeding.pk]
    assert listed[0]["pending"][0]["step"] == "decision"
    detail = as_user(username).get(f"{BASE}{proceeding.pk}/")
    assert detail.status_code == 200
    assert detail.json()["pending"][0]["due"] == "2026-12-21"


@pytest.mark.parametrize(
    ("username", "status"), [("outsider", 403), ("inspector", 403), ("citizen", 404), (None, 401)]
)
def test_others_do_not(as_user: Clients, proceeding: Any, username: str | None, status: int) -> None:
    response = as_user(username).get(f"{BASE}{proceeding.pk}/")
    assert response.status_code == status
    if username is not None:
        assert as_user(username).get(BASE).json()["results"] == []


def test_the_party_is_masked_for_roles_that_may_not_see_identifiers(
    as_user: Clients, proceeding: Any
) -> None:
    data = as_user("officer").get(f"{BASE}{proceeding.pk}/").json()
    assert data["party"]["name"] == "刘某"


def test_junk_ids_are_not_found(as_user: Clients, proceeding: Any) -> None:
    assert as_user("officer").get(f"{BASE}abc/").status_code == 404
    assert (
        as_user("officer")
        .post(f"{BASE}99999999999999999999/decide/", {"version": 1}, format="json")
        .status_code
        == 404
    )


def test_bad_input_names_the_field(as_user: Clients, proceeding: Any) -> None:
    response = as_user("officer").post(
        f"{BASE}{proceeding.pk}/records/", {"version": proceeding.version, "kind": "gossip"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "kind"
    response = as_user("officer").post(
        f"{BASE}{proceeding.pk}/records/",
        {
            "version": proceeding.version,
            "kind": "other",
            "content": "x",
            "officers": [proceeding.opened_by_id],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["rule"] == "two_officers"


def test_opening_twice_for_the_same_violation_is_a_conflict(
    as_user: Clients, city: TinyCity, proceeding: Any
) -> None:
    body = {
        "violation": proceeding.violation_id,
        "officers": [city.users["officer"].pk, city.users["officer2"].pk],
    }
    assert as_user("officer").post(BASE, body, format="json").status_code == 409


def test_the_ledger_opens_proceedings_through_the_service(city: TinyCity, violation: Any) -> None:
    from chengguan.penalty.services import open_proceeding

    p = open_proceeding(violation, actor=city.users["officer"])
    assert p.state == "investigation"
    assert set(p.officers.values_list("pk", flat=True)) == {city.users["officer"].pk}
