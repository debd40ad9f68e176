"""One case driven through every step of the closed loop over HTTP, as the right roles.

report → register → dispatch → return → re-dispatch → accept → extension requested and approved →
suspend → resume → report back (after-photo) → verify fails → rework → report back → verify passes →
closed. At each step a wrong role and the outsider (an officer of the neighbouring squadron) are
refused with a 403 JSON body and the case does not change; a stale version gets a 409 naming the
current state and version.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.test import APIClient

from chengguan.cases.tests.api.conftest import Clients, case_state, jpeg


def url(case_id: int, step: str = "") -> str:
    return f"/api/v1/cases/{case_id}/{step + '/' if step else ''}"


class Loop:
    """The case under test and the clients of the tiny city's roles."""

    def __init__(self, as_user: Clients, case: dict[str, Any]) -> None:
        self.as_user = as_user
        self.id = case["id"]
        self.version = case["version"]
        self.clients: dict[str, APIClient] = {}

    def client(self, username: str) -> APIClient:
        if username not in self.clients:
            self.clients[username] = self.as_user(username)
        return self.clients[username]

    def refused(self, step: str, body: Any, *usernames: str, multipart: bool = False) -> None:
        """Each of ``usernames`` gets a 403 JSON for ``step`` and the case stays as it was.

        ``body`` is a dict, or a function making one (uploads can be sent only once)."""
        before = case_state(self.id)
        for username in usernames:
            response = self.post(username, step, body() if callable(body) else body, multipart=multipart)
            assert response.status_code == 403, (username, step, response.json())
            assert response.json()["code"] == "access_denied", (username, step)
            assert case_state(self.id) == before, (username, step)

    def post(self, username: str, step: str, body: dict[str, Any], *, multipart: bool = False) -> Any:
        return self.client(username).post(
            url(self.id, step), body, format="multipart" if multipart else "json"
        )

    def step(
        self, username: str, step: str, body: dict[str, Any], *, multipart: bool = False
    ) -> dict[str, Any]:
        response = self.post(username, step, {"version": self.version, **body}, multipart=multipart)
        assert response.status_code == 200, (username, step, response.json())
        case = response.json()
        self.version = case["version"]
        return case


def test_a_case_goes_round_the_whole_loop_through_the_api(as_user: Clients, file_report: Any) -> None:
    # given: the west inspector reports street vending
    loop = Loop(as_user, file_report("inspector"))
    assert case_state(loop.id) == ("reported", 1)

    # register (operator); the officer, the citizen and the outsider may not
    loop.refused("register", {"version": loop.version}, "officer", "citizen", "outsider", "dispatcher")
    stale = loop.post("operator", "register", {"version": loop.version + 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert stale.json()["details"] == {"state": "reported", "version": 1}
    case = loop.step("operator", "register", {"note": "符合立案标准"})
    assert case["state"] == "registered"
    assert case["register_due"] is not None

    # dispatch (dispatcher) to the west squadron
    loop.refused("dispatch", {"version": loop.version, "unit": "CG-SQ1"}, "operator", "officer", "outsider")
    case = loop.step("dispatcher", "dispatch", {"unit": "CG-SQ1", "note": "请处理"})
    assert case["state"] == "dispatched"
    assert case["assigned_unit"]["code"] == "CG-SQ1"

    # return (a member of the assigned unit); the outsider's squadron is not assigned
    loop.refused(
        "return", {"version": loop.version, "reason": "不属本中队"}, "outsider", "dispatcher", "department"
    )
    case = loop.step("officer", "return", {"reason": "地点有误，请核实"})
    assert case["state"] == "returned"
    assert case["assigned_unit"] is None

    # re-dispatch
    case = loop.step("dispatcher", "dispatch", {"unit": "CG-SQ1"})
    assert case["state"] == "dispatched"

    # accept
    loop.refused("accept", {"version": loop.version}, "outsider", "dispatcher", "inspector", "department")
    case = loop.step("officer", "accept", {})
    assert case["state"] == "accepted"
    handle_due = case["handle_due"]

    # extension requested by the unit …
    loop.refused(
        "extension",
        {"version": loop.version, "working_hours": "4", "reason": "需要协调"},
        "outsider",
        "dispatcher",
    )
    case = loop.step("officer", "extension", {"working_hours": "4", "reason": "摊主不在，需要协调"})
    assert [e["status"] for e in case["extensions"]] == ["pending"]
    extension_id = case["extensions"][0]["id"]
    # … and approved by the dispatcher
    decide = f"/api/v1/extensions/{extension_id}/decide/"
    for username in ("officer", "outsider", "operator"):
        response = loop.client(username).post(decide, {"approve": True}, format="json")
        assert response.status_code == 403, username
        assert response.json()["code"] == "access_denied"
    response = loop.client("dispatcher").post(decide, {"approve": True, "note": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    case = response.json()
    loop.version = case["version"]
    assert case["extensions"][0]["status"] == "approved"
    assert case["extension_count"] == 1
    assert case["handle_due"] > handle_due
    again = loop.client("dispatcher").post(decide, {"approve": False}, format="json")
    assert again.status_code == 409

    # suspend and resume (dispatcher)
    loop.refused("suspend", {"version": loop.version, "reason": "雨季"}, "officer", "outsider", "operator")
    case = loop.step("dispatcher", "suspend", {"reason": "等待管线施工结束"})
    assert case["state"] == "suspended"
    assert case["current_due"] is None
    loop.refused("resume", {"version": loop.version}, "officer", "outsider")
    case = loop.step("dispatcher", "resume", {"note": "施工已结束"})
    assert case["state"] == "accepted"

    # report back with an after-photo (multipart)
    loop.refused(
        "report-back",
        lambda: {"version": loop.version, "note": "已清理", "files": [jpeg()]},
        "outsider",
        "inspector",
        "dispatcher",
        multipart=True,
    )
    photo = jpeg("green")
    case = loop.step("officer", "report-back", {"note": "摊位已清理", "files": [photo]}, multipart=True)
    assert case["state"] == "handled"
    photo.seek(0)
    assert [e["sha256"] for e in case["evidence"]] == [hashlib.sha256(photo.read()).hexdigest()]
    assert case["evidence"][0]["kind"] == "photo"
    assert case["evidence"][0]["url"] == f"/api/v1/cases/{loop.id}/evidence/{case['evidence'][0]['id']}/"

    # verification fails: back to the unit (rework)
    loop.refused(
        "verify", {"version": loop.version, "passed": False, "note": "仍有摊位"}, "officer", "outsider"
    )
    case = loop.step("inspector", "verify", {"passed": False, "note": "仍有摊位"})
    assert case["state"] == "accepted"
    assert case["rework_count"] == 1

    # report back again, then verification passes
    case = loop.step(
        "officer",
        "report-back",
        {"note": "已彻底清理", "files": [jpeg("blue", name="again.jpg")]},
        multipart=True,
    )
    assert case["state"] == "handled"
    assert len(case["evidence"]) == 2
    case = loop.step("inspector", "verify", {"passed": True, "note": "已核实"})

    # then: closed, with the whole story on its timeline
    assert case["state"] == "closed"
    assert case["closed_at"] is not None
    assert case["deadline_status"] is None
    assert [e["action"] for e in case["timeline"]] == [
        "reported",
        "registered",
        "dispatched",
        "returned",
        "dispatched",
        "accepted",
        "extension_requested",
        "extension_decided",
        "suspended",
        "resumed",
        "handled",
        "rework",
        "handled",
        "closed",
    ]
    assert case_state(loop.id) == ("closed", case["version"])


def test_the_evidence_of_a_case_downloads_for_those_who_see_it(as_user: Clients, file_report: Any) -> None:
    # given: a report with a photo
    photo = jpeg("red", name="before.jpg")
    response = as_user("inspector").post(
        "/api/v1/cases/",
        {
            "source": "inspector",
            "category": "event:0504",
            "lon": "121.535",
            "lat": "29.875",
            "files": [photo],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    evidence_url = response.json()["case"]["evidence"][0]["url"]
    # when / then
    download = as_user("dispatcher").get(evidence_url)
    assert download.status_code == 200
    photo.seek(0)
    assert b"".join(download.streaming_content) == photo.read()
    assert as_user("outsider").get(evidence_url).status_code == 403
