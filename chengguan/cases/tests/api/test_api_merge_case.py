"""POST /api/v1/cases/{id}/merge/: a duplicate report joins the case it repeats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chengguan.cases.tests.api.conftest import EAST, WEST, Clients, case_state

Report = Callable[..., dict[str, Any]]


def test_the_operator_merges_a_duplicate_into_the_first_report(as_user: Clients, file_report: Report) -> None:
    # given: two reports of the same problem
    first = file_report("inspector")
    response = as_user("citizen").post(
        "/api/v1/cases/",
        {"source": "citizen", "category": "event:0504", "lon": WEST[0] + 0.0001, "lat": WEST[1]},
        format="json",
    )
    second = response.json()["case"]
    # when
    merged = as_user("operator").post(
        f"/api/v1/cases/{second['id']}/merge/",
        {"version": 1, "into": first["id"], "note": "同一摊位"},
        format="json",
    )
    # then
    assert merged.status_code == 200
    assert merged.json()["state"] == "merged"
    assert merged.json()["merged_into"] == {"id": first["id"], "number": first["number"], "state": "reported"}
    target = as_user("operator").get(f"/api/v1/cases/{first['id']}/").json()
    assert [r["id"] for r in target["merged_reports"]] == [second["id"]]


def test_it_refuses_merge_by_a_wrong_role_or_the_outsider(as_user: Clients, file_report: Report) -> None:
    first = file_report("inspector")
    second = file_report("inspector")
    for username in ("dispatcher", "officer", "outsider"):
        response = as_user(username).post(
            f"/api/v1/cases/{second['id']}/merge/", {"version": 1, "into": first["id"]}, format="json"
        )
        assert response.status_code == 403, username
        assert response.json()["code"] == "access_denied"
    assert case_state(second["id"]) == ("reported", 1)


def test_it_refuses_merge_into_an_unknown_case_naming_into(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    for into in (999999, "abc"):
        response = as_user("operator").post(
            f"/api/v1/cases/{case['id']}/merge/", {"version": 1, "into": into}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["field"] == "into"


def test_it_refuses_merge_into_itself(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector", at=EAST)
    response = as_user("operator").post(
        f"/api/v1/cases/{case['id']}/merge/", {"version": 1, "into": case["id"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "into"
