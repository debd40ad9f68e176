"""POST /api/v1/cases/{id}/reject/: the operator refuses to register a report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases.tests.api.conftest import Clients, case_state

Report = Callable[..., dict[str, Any]]


def test_the_operator_rejects_a_report(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("operator").post(
        f"/api/v1/cases/{case['id']}/reject/", {"version": 1, "reason": "不属于城管职责"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert response.json()["current_due"] is None
    assert case_state(case["id"]) == ("rejected", 2)


@pytest.mark.parametrize("username", ["dispatcher", "officer", "outsider", "citizen", "inspector"])
def test_it_refuses_reject_by_a_wrong_role(as_user: Clients, file_report: Report, username: str) -> None:
    case = file_report("inspector")
    response = as_user(username).post(
        f"/api/v1/cases/{case['id']}/reject/", {"version": 1, "reason": "不属于"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("access_denied", "not_found")
    assert case_state(case["id"]) == ("reported", 1)


def test_it_refuses_reject_without_a_reason(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("operator").post(f"/api/v1/cases/{case['id']}/reject/", {"version": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "reason"


def test_rejecting_twice_is_a_conflict_naming_the_state(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    client = as_user("operator")
    client.post(f"/api/v1/cases/{case['id']}/reject/", {"version": 1, "reason": "重复"}, format="json")
    response = client.post(
        f"/api/v1/cases/{case['id']}/reject/", {"version": 2, "reason": "重复"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["details"]["state"] == "rejected"
    assert response.json()["details"]["version"] == 2
