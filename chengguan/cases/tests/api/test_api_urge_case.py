"""POST /api/v1/cases/{id}/urge/: the dispatcher urges the handling unit (no version needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases import workflow
from chengguan.cases.tests.api.conftest import Clients, case_state
from chengguan.core.testing import TinyCity

Report = Callable[..., dict[str, Any]]


@pytest.fixture
def dispatched(file_report: Report, tiny_city: TinyCity) -> dict[str, Any]:
    case = file_report("inspector")
    users = tiny_city.users
    workflow.register(case["id"], actor=users["operator"], version=1)
    workflow.dispatch(case["id"], actor=users["dispatcher"], version=2, unit=tiny_city.units["west"].pk)
    return case


def test_the_dispatcher_urges_a_dispatched_case(as_user: Clients, dispatched: dict[str, Any]) -> None:
    response = as_user("dispatcher").post(
        f"/api/v1/cases/{dispatched['id']}/urge/", {"note": "尽快处理"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["urge_count"] == 1
    assert response.json()["version"] == 3  # urging never makes the handler's next step conflict


def test_it_refuses_urge_by_a_wrong_role_or_the_outsider(
    as_user: Clients, dispatched: dict[str, Any]
) -> None:
    for username in ("officer", "outsider", "operator"):
        response = as_user(username).post(f"/api/v1/cases/{dispatched['id']}/urge/", {}, format="json")
        assert response.status_code == 403, username
    assert case_state(dispatched["id"]) == ("dispatched", 3)


def test_it_refuses_a_version_it_does_not_take(as_user: Clients, dispatched: dict[str, Any]) -> None:
    response = as_user("dispatcher").post(
        f"/api/v1/cases/{dispatched['id']}/urge/", {"version": 3}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "version"
