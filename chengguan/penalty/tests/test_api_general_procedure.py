"""One proceeding driven through the whole ordinary procedure over HTTP, as the right roles.

open (立案) → interview record with the body-camera audio → marked complex → notice of intended penalty
(20,000 yuan: a hearing right) served on Monday 28 September 2026 → the statement period runs over the
National Day holiday to Saturday 10 October (an adjusted working day) → hearing requested → hearing notice
7 working days ahead → hearing → legal review by a legal reviewer → collective discussion → decision →
served on Friday 16 October → last day to pay Monday 2 November (31 October is a Saturday) → unpaid: the
surcharge grows 3 % a day and stops at the fine → demand notice → court application in the window after
the litigation period. At each step wrong roles are refused (403) and the proceeding does not change.
"""

from __future__ import annotations

import io
from typing import Any

import time_machine
from docx import Document
from rest_framework.test import APIClient

from chengguan.audit.models import AuditEntry
from chengguan.core.testing import TinyCity
from chengguan.penalty.models import Proceeding, ProceedingEvent
from chengguan.penalty.tests.conftest import Clients, local, wav

BASE = "/api/v1/penalty/proceedings/"


def state_of(pk: int) -> tuple[str, int]:
    p = Proceeding.objects.get(pk=pk)
    return p.state, p.version


class Flow:
    def __init__(self, as_user: Clients, city: TinyCity) -> None:
        self.as_user = as_user
        self.city = city
        self.clients: dict[str, APIClient] = {}
        self.id = 0
        self.version = 0

    def uid(self, name: str) -> int:
        return self.city.users[name].pk

    def client(self, name: str) -> APIClient:
        if name not in self.clients:
            self.clients[name] = self.as_user(name)
        return self.clients[name]

    def post(self, name: str, step: str, body: dict[str, Any], multipart: bool = False) -> Any:
        return self.client(name).post(
            f"{BASE}{self.id}/{step}/", body, format="multipart" if multipart else "json"
        )

    def step(self, name: str, step: str, body: dict[str, Any], multipart: bool = False) -> dict[str, Any]:
        response = self.post(name, step, {"version": self.version, **body}, multipart)
        assert response.status_code == 200, (name, step, response.json())
        data = response.json()
        self.version = data["version"]
        return data

    def refused(self, step: str, body: dict[str, Any], *names: str) -> None:
        before = state_of(self.id)
        for name in names:
            response = self.post(name, step, {"version": self.version, **body})
            assert response.status_code == 403, (name, step, response.json())
            assert response.json()["code"] == "access_denied"
            assert state_of(self.id) == before

    def barred(self, name: str, step: str, body: dict[str, Any], rule: str) -> dict[str, Any]:
        before = state_of(self.id)
        response = self.post(name, step, {"version": self.version, **body})
        assert response.status_code == 400, response.json()
        assert response.json()["details"]["rule"] == rule, response.json()
        assert state_of(self.id) == before
        return response.json()

    def pending(self) -> dict[str, dict[str, Any]]:
        data = self.client("officer").get(f"{BASE}{self.id}/").json()
        return {item["step"]: item for item in data["pending"]}


def test_the_general_procedure_with_hearing_review_discussion_and_court(
    as_user: Clients, city: TinyCity, violation: Any
) -> None:
    flow = Flow(as_user, city)
    officers = [flow.uid("officer"), flow.uid("officer2")]

    # 立案: officers open; the citizen, the inspector and the east officer may not
    with time_machine.travel(local(2026, 9, 21, 9, 0), tick=False):
        for name in ("citizen", "inspector", "outsider"):
            response = flow.client(name).post(
                BASE, {"violation": violation.pk, "officers": officers}, format="json"
            )
            assert response.status_code == 403, name
        response = flow.client("officer").post(
            BASE, {"violation": violation.pk, "officers": officers}, format="json"
        )
        assert response.status_code == 201, response.json()
        data = response.json()
        flow.id, flow.version = data["id"], data["version"]
        assert data["state"] == "investigation"
        assert data["decision_due"] == "2026-12-21"  # 90 natural days from 21 September (a Monday)
        assert [p["step"] for p in data["pending"]] == ["decision"]

        # investigation: an interview record by two credentialed officers with the body-camera audio
        flow.refused(
            "records", {"kind": "interview", "content": "询问", "officers": officers}, "inspector", "outsider"
        )
        record = {
            "kind": "interview",
            "content": "当事人承认在人行道上摆摊卖水果",
            "interviewee": "刘某",
            "officers": officers,
            "files": [wav()],
        }
        data = flow.step("officer", "records", record, multipart=True)
        assert len(data["records"]) == 1 and data["evidence"][0]["kind"] == "audio"

        # the squadron leader marks the case complex (collective discussion); an officer may not
        flow.refused("classify", {"is_major": False, "is_complex": True, "reason": "x"}, "officer")
        flow.step(
            "squadron_leader",
            "classify",
            {"is_major": False, "is_complex": True, "reason": "多次违法，影响较大"},
        )

        # notice of intended penalty: facts, reasons, basis, fine; the rights come with it
        notice = {
            "facts": "2026年9月20日19时，当事人在中山东路1号人行道上摆摊经营水果。",
            "reasons": "经责令改正后再次违法。",
            "legal_basis": "《城市市容和环境卫生管理条例》第十七条",
            "penalty_kind": "fine",
            "fine": "20000.00",
        }
        flow.refused("notice", notice, "inspector", "citizen")
        data = flow.step("officer", "notice", notice)
        assert data["state"] == "notice_issued"
        assert data["notices"][0]["hearing_right"] is True
        assert "hearing" in data["notices"][0]["rights_text"] or "听证" in data["notices"][0]["rights_text"]

    # served on Monday 28 September; 5 working days skip National Day (1–7 October) → Saturday 10 October
    with time_machine.travel(local(2026, 9, 28, 10, 0), tick=False):
        stale = flow.post("officer", "serve-notice", {"version": flow.version + 5, "method": "in_person"})
        assert stale.status_code == 409 and stale.json()["details"]["state"] == "notice_issued"
        flow.step("officer", "serve-notice", {"method": "in_person", "recipient": "刘某"})
        pending = flow.pending()
        assert pending["statement"]["due"] == "2026-10-10"
        assert pending["hearing_request"]["due"] == "2026-10-10"
        flow.barred("officer", "close-statement", {}, "statement_period")

    # the party asks for a hearing; a legal reviewer who did not investigate presides
    with time_machine.travel(local(2026, 9, 30, 9, 0), tick=False):
        flow.step("officer", "request-hearing", {"content": "要求听证"})
        hearing = {
            "method": "in_person",
            "recipient": "刘某",
            "place": "区城管局听证室",
            "host": flow.uid("host"),
        }
        flow.refused(
            "schedule-hearing",
            {**hearing, "scheduled_for": "2026-10-15T10:00:00+08:00"},
            "officer",
            "inspector",
        )
        # served 30 September: 7 working days → 15 October at the earliest (not 9 October)
        data = flow.barred(
            "host",
            "schedule-hearing",
            {**hearing, "scheduled_for": "2026-10-09T10:00:00+08:00"},
            "hearing_notice",
        )
        assert data["details"]["earliest"] == "2026-10-15"
        flow.barred(
            "host",
            "schedule-hearing",
            {**hearing, "host": flow.uid("officer"), "scheduled_for": "2026-10-15T10:00:00+08:00"},
            "hearing_host",
        )
        data = flow.step(
            "host", "schedule-hearing", {**hearing, "scheduled_for": "2026-10-15T10:00:00+08:00"}
        )
        assert data["state"] == "hearing_scheduled"
        assert flow.pending()["hearing"]["due"] == "2026-10-15"

    with time_machine.travel(local(2026, 10, 15, 11, 30), tick=False):
        flow.refused("hold-hearing", {"record": "x"}, "officer")
        data = flow.step("host", "hold-hearing", {"record": "当事人陈述了家庭困难，请求从轻。"})
        assert data["state"] == "legal_review"  # a hearing makes the legal review required

        # legal review: only a legal reviewer; the investigators may not
        flow.refused("legal-review", {"result": "approved", "opinion": "x"}, "officer", "squadron_leader")
        data = flow.step(
            "reviewer", "legal-review", {"result": "approved", "opinion": "事实清楚，证据确凿，程序合法。"}
        )
        assert data["state"] == "collective_discussion"

        flow.refused("collective-discussion", {"participants": "x", "conclusion": "x"}, "officer", "reviewer")
        data = flow.step(
            "leader",
            "collective-discussion",
            {"participants": "刘局长、周队长、法制科", "conclusion": "同意罚款20000元"},
        )
        assert data["state"] == "awaiting_decision"

        # the decision: never heavier than the notice; only a head decides
        flow.refused("decide", {"fine": "20000.00"}, "officer", "reviewer")
        flow.barred("squadron_leader", "decide", {"fine": "25000.00"}, "no_heavier")
        data = flow.step("squadron_leader", "decide", {"fine": "20000.00"})
        assert data["state"] == "decided"
        assert data["decisions"][0]["number"].startswith("城管罚决字〔2026〕第")
        assert flow.pending()["service"]["due"] == "2026-10-26"  # 7 working days from Thursday 15 October

    # served on Friday 16 October: 15 days → Saturday 31 October → the last day is Monday 2 November
    with time_machine.travel(local(2026, 10, 16, 15, 0), tick=False):
        flow.refused("serve-decision", {"method": "in_person", "recipient": "刘某"}, "inspector", "outsider")
        data = flow.step("officer", "serve-decision", {"method": "in_person", "recipient": "刘某"})
        assert data["state"] == "awaiting_payment"
        assert data["payment_due"] == "2026-11-02"

    with time_machine.travel(local(2026, 11, 2, 16, 0), tick=False):
        flow.barred("officer", "demand", {}, "payment_period")

    # 18 days late: 3 % a day = 10,800 yuan
    with time_machine.travel(local(2026, 11, 20, 9, 0), tick=False):
        owed = flow.client("officer").get(f"{BASE}{flow.id}/").json()["owed"]
        assert owed == {
            "fine": "20000.00",
            "surcharge": "10800.00",
            "paid": "0.00",
            "outstanding": "30800.00",
        }
        flow.refused("demand", {}, "inspector")
        data = flow.step("officer", "demand", {})
        assert data["state"] == "demand_issued"
        assert data["demands"][0]["surcharge_due"] == "10800.00"
        flow.step("officer", "serve-demand", {"method": "post", "tracking_number": "EMS1234567890"})

    # the surcharge stops at the fine
    with time_machine.travel(local(2026, 12, 31, 9, 0), tick=False):
        data = flow.client("officer").get(f"{BASE}{flow.id}/").json()
        assert data["owed"]["surcharge"] == "20000.00"
        # review (60 days) and litigation (6 months) periods have not lapsed: too early for the court
        barred = flow.barred(
            "squadron_leader", "court-application", {"court": "海曙区人民法院"}, "court_window"
        )
        assert barred["details"]["opens"] == "2027-04-17"
        assert barred["details"]["closes"] == "2027-07-16"
        pending = {item["step"]: item for item in data["pending"]}
        assert pending["court_application"]["opens"] == "2027-04-17"
        assert pending["demand_performance"]["due"] == "2026-12-04"  # 10 working days after 20 November

    with time_machine.travel(local(2027, 5, 10, 9, 0), tick=False):
        assert flow.pending()["court_application"]["status"] == "on_time"
        flow.refused("court-application", {"court": "海曙区人民法院"}, "officer", "outsider")
        data = flow.step("squadron_leader", "court-application", {"court": "海曙区人民法院"})
        assert data["state"] == "court_applied"
        assert data["court_applications"][0]["surcharge_due"] == "20000.00"
        # the court application document: numbered, printable, and a Word file that opens
        response = flow.client("squadron_leader").post(
            "/api/v1/documents/",
            {"kind": "court_application", "target_type": "penalty.proceeding", "target_id": flow.id},
            format="json",
        )
        assert response.status_code == 201, response.json()
        document = response.json()
        assert "〔2027〕" in document["number"]
        docx = flow.client("squadron_leader").get(f"/api/v1/documents/{document['id']}/", {"format": "docx"})
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        assert document["number"] in text and "海曙区人民法院" in text
        # the party pays in the end: fine plus the capped surcharge
        data = flow.step(
            "officer", "payments", {"amount": "40000.00", "method": "bank", "receipt_number": "NB-2027-0001"}
        )
        assert data["state"] == "paid"

    # every transition left an event and an audit entry
    events = ProceedingEvent.objects.filter(proceeding_id=flow.id).count()
    audits = AuditEntry.objects.filter(target_type="penalty.proceeding", target_id=str(flow.id)).count()
    assert events == audits == 16
