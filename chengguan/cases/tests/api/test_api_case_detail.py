"""GET /api/v1/cases/{id}/: one case with everything this viewer may read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases.tests.api.conftest import Clients

Report = Callable[..., dict[str, Any]]


@pytest.mark.parametrize("username", ["operator", "dispatcher", "admin"])
def test_call_takers_read_the_reporters_contact_details(
    as_user: Clients, file_report: Report, username: str
) -> None:
    case = file_report("inspector")
    body = as_user(username).get(f"/api/v1/cases/{case['id']}/").json()
    assert body["reporter_phone"] == "13800000000"
    assert body["reporter_email"] == "wang@example.org"


@pytest.mark.parametrize("username", ["officer", "inspector", "leader", "squadron_leader"])
def test_other_staff_do_not_read_the_reporters_contact_details(
    as_user: Clients, file_report: Report, username: str
) -> None:
    case = file_report("inspector")
    response = as_user(username).get(f"/api/v1/cases/{case['id']}/")
    assert response.status_code == 200
    assert response.json()["reporter_phone"] is None
    assert response.json()["reporter_email"] is None
    assert response.json()["reporter_name"] == "王监督"


def test_the_detail_carries_deadlines_timeline_evidence_and_requests(
    as_user: Clients, file_report: Report
) -> None:
    case = file_report("inspector")
    body = as_user("dispatcher").get(f"/api/v1/cases/{case['id']}/").json()
    assert body["deadline_status"] in ("on_time", "due_soon", "overdue")
    assert isinstance(body["calendar_warning"], list)
    assert [e["action"] for e in body["timeline"]] == ["reported"]
    assert body["timeline"][0]["actor"]["name"] == "王监督"
    assert body["evidence"] == []
    assert body["merged_reports"] == []
    assert body["extensions"] == []
    assert body["register_due"] is not None


def test_a_citizen_reads_their_own_report_with_only_the_public_timeline(
    as_user: Clients, file_report: Report, tiny_city: Any
) -> None:
    # given: the citizen's report, urged internally once dispatched
    from chengguan.cases import workflow

    users = tiny_city.users
    case = file_report("citizen", source="citizen")
    workflow.register(case["id"], actor=users["operator"], version=1)
    workflow.dispatch(case["id"], actor=users["dispatcher"], version=2, unit=tiny_city.units["west"].pk)
    workflow.urge(case["id"], actor=users["dispatcher"], note="内部催办")
    # when
    body = as_user("citizen").get(f"/api/v1/cases/{case['id']}/").json()
    # then
    assert [e["action"] for e in body["timeline"]] == ["reported", "registered", "dispatched"]
    assert {e["actor"] for e in body["timeline"]} == {None}
    assert {str(e["payload"]) for e in body["timeline"]} == {"{}"}
    assert body["reporter_phone"] is None
    staff = as_user("dispatcher").get(f"/api/v1/cases/{case['id']}/").json()
    assert [e["action"] for e in staff["timeline"]][-1] == "urged"


def test_the_outsider_is_refused_a_case_of_another_territory(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("outsider").get(f"/api/v1/cases/{case['id']}/")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_a_citizen_does_not_learn_that_another_report_exists(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("citizen").get(f"/api/v1/cases/{case['id']}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_visitors_are_refused_with_json(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user(None).get(f"/api/v1/cases/{case['id']}/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("case_id", ["999999", "abc", "99999999999999999999999", "0"])
def test_an_unknown_or_junk_id_gets_a_json_404(as_user: Clients, tiny_city: Any, case_id: str) -> None:
    response = as_user("dispatcher").get(f"/api/v1/cases/{case_id}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
