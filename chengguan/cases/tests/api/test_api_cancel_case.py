"""POST /api/v1/cases/{id}/cancel/: a case entered by mistake is withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chengguan.cases.tests.api.conftest import Clients, case_state

Report = Callable[..., dict[str, Any]]


def test_the_operator_cancels_a_report(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("operator").post(
        f"/api/v1/cases/{case['id']}/cancel/", {"version": 1, "reason": "误报"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancelled_at"] is not None


def test_it_refuses_cancel_by_a_wrong_role_or_the_outsider(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    for username in ("officer", "inspector", "outsider", "department"):
        response = as_user(username).post(
            f"/api/v1/cases/{case['id']}/cancel/", {"version": 1, "reason": "误报"}, format="json"
        )
        assert response.status_code == 403, username
        assert response.json()["code"] == "access_denied"
    assert case_state(case["id"]) == ("reported", 1)


def test_a_stale_version_gets_409_with_the_current_state(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    as_user("operator").post(f"/api/v1/cases/{case['id']}/register/", {"version": 1}, format="json")
    response = as_user("dispatcher").post(
        f"/api/v1/cases/{case['id']}/cancel/", {"version": 1, "reason": "误报"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["field"] == "version"
    assert response.json()["details"] == {"state": "registered", "version": 2}
    assert case_state(case["id"]) == ("registered", 2)
