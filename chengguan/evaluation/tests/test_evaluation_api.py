"""GET /api/v1/evaluation/?month=2026-10&subject=…: everything for leaders, own rows for the rest."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from chengguan.core.testing import TinyCity

pytestmark = [pytest.mark.django_db, pytest.mark.urls("chengguan.evaluation.tests.urls")]

URL = "/api/v1/evaluation/"


def _get(client: Any, user: Any, **params: str) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def _codes(response: Any) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize("role", ["leader", "admin", "dispatcher"])
def test_citywide_roles_see_every_squadron(client: Any, tiny_city: TinyCity, role: str) -> None:
    response = _get(client, tiny_city.users[role], month="2026-10", subject="squadron")

    assert response.status_code == 200
    assert _codes(response) == ["CG-SQ1", "CG-SQ2"]
    assert response.json()["source"] == "live"


def test_a_squadron_leader_sees_only_their_squadron(client: Any, tiny_city: TinyCity) -> None:
    response = _get(client, tiny_city.users["squadron_leader"], month="2026-10", subject="squadron")

    assert response.status_code == 200
    assert _codes(response) == ["CG-SQ1"]


def test_a_squadron_leader_sees_their_own_officers_and_areas(client: Any, tiny_city: TinyCity) -> None:
    leader = tiny_city.users["squadron_leader"]

    officers = _get(client, leader, month="2026-10", subject="officer")
    streets = _get(client, leader, month="2026-10", subject="street")
    districts = _get(client, leader, month="2026-10", subject="district")

    assert _codes(officers) == ["officer"]
    assert _codes(streets) == ["330203001"]
    assert _codes(districts) == []  # the district is larger than the squadron's territory


def test_department_staff_see_their_department_with_its_citywide_rank(
    client: Any, tiny_city: TinyCity, october: list[Any]
) -> None:
    response = _get(client, tiny_city.users["department"], month="2026-10", subject="department")

    assert [(row["code"], row["rank"], row["score"]) for row in response.json()["results"]] == [
        ("CG-WATER", 1, "71.64")
    ]


def test_stored_month_end_results_are_served_when_there_are_some(
    client: Any, tiny_city: TinyCity, october: list[Any]
) -> None:
    call_command("evaluate", "--month", "2026-10", "--subject", "department", "--json", stdout=None)

    body = _get(client, tiny_city.users["leader"], month="2026-10", subject="department").json()

    assert body["source"] == "snapshot"
    assert body["results"][0]["code"] == "CG-WATER"
    assert body["results"][0]["indicators"][0]["value"] == "0.6667"


def test_a_citizen_is_refused(client: Any, tiny_city: TinyCity) -> None:
    response = _get(client, tiny_city.users["citizen"], month="2026-10", subject="squadron")

    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_an_anonymous_caller_is_refused(client: Any, tiny_city: TinyCity) -> None:
    response = _get(client, None, month="2026-10", subject="squadron")

    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13", "subject": "squadron"}, "month"),
        ({"subject": "squadron"}, "month"),
        ({"month": "2026-10", "subject": "planet"}, "subject"),
        ({"month": "2026-10"}, "subject"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(
    client: Any, tiny_city: TinyCity, params: dict[str, str], field: str
) -> None:
    response = _get(client, tiny_city.users["leader"], **params)

    assert response.status_code == 400
    assert response.json()["field"] == field
