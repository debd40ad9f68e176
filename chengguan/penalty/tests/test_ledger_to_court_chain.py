"""Issue 4, "Done when", first bullet: a street vendor, three times … then the long road, over HTTP.

刘建国 sells fruit on the pavement of 中山东路 in the west squadron's territory.

1. Tuesday 1 September 2026: first minor violation → warm reminder, no penalty (首违不罚).
2. Sunday 20 September 2026 (an adjusted working day before National Day): he is back → rectification
   order due the same day → Monday 21 September the re-inspection finds him still there (not corrected)
   → ordinary penalty proceedings open by themselves on 21 September (decision due 21 December).
3. The ordinary procedure through the penalty API: a second officer, the interview with the body-camera
   audio, the notice of intended penalty with the benchmark's fine for a repeat offence (200 yuan), whose
   hearing right comes from the bureau's own "larger amount" (较大数额, set to 200 yuan for citizens),
   served Monday 28 September → statement period over National Day to Saturday 10 October → hearing
   notice 7 working days ahead → hearing 15 October → legal review by a second legal reviewer → decision
   → served Friday 16 October → last day to pay Monday 2 November.
4. Unpaid: 3 % of 200 yuan a day (6 yuan), 108 yuan on 20 November, capped at 200 yuan from 6 December →
   demand notice → court application on 10 May 2027 (window 17 April – 16 July 2027) → the court
   application document issued and read back from its DOCX.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import time_machine
from docx import Document

from chengguan.core.testing import TinyCity
from chengguan.enforcement.loading import load_bundled_data
from chengguan.enforcement.models import ReinspectionTask, Violation
from chengguan.penalty.models import PenaltyPolicy, Proceeding
from chengguan.penalty.tests.conftest import WEST, Clients, local, wav
from chengguan.penalty.tests.test_api_general_procedure import BASE, Flow

VIOLATIONS = "/api/v1/enforcement/violations/"
LIU = {
    "kind": "person",
    "name": "刘建国",
    "id_number": "330203197805120017",
    "phone": "13805741234",
    "usual_place": "鼓楼步行街东口",
}


def record(flow: Flow, **party: Any) -> dict[str, Any]:
    body = {
        "violation_type": "street-occupation",
        "lon": WEST[0],
        "lat": WEST[1],
        "description": "水果摊占道",
    }
    response = flow.client("officer").post(VIOLATIONS, {**body, **party}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def choose(flow: Flow, violation: dict[str, Any], step: str) -> dict[str, Any]:
    response = flow.client("officer").post(
        f"{VIOLATIONS}{violation['id']}/choose/",
        {"step": step, "version": violation["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_street_vendor_from_warm_reminder_to_the_court(as_user: Clients, city: TinyCity) -> None:
    load_bundled_data()
    PenaltyPolicy.objects.create(pk=1, hearing_person_fine=Decimal("200"))
    flow = Flow(as_user, city)

    # first minor violation: a warm reminder, education given, no penalty
    with time_machine.travel(local(2026, 9, 1, 19, 0), tick=False):
        first = record(flow, new_party=LIU)
        assert first["proposed_step"] == "warm_reminder"
        data = choose(flow, first, "warm_reminder")
        assert data["status"] == "educated" and data["education_given"] is True
        assert not Proceeding.objects.exists()
    party = first["party"]["id"]

    # the same party again: a rectification order due the same day (an adjusted working Sunday)
    with time_machine.travel(local(2026, 9, 20, 19, 0), tick=False):
        second = record(flow, party=party)
        assert second["proposed_step"] == "rectification_order"
        assert second["proposal_basis"]["earlier_violations"] == [first["id"]]
        data = choose(flow, second, "rectification_order")
        assert data["rectification_deadline"] == "2026-09-20"
        task = ReinspectionTask.objects.get(violation_id=second["id"])
        assert task.due_date == dt.date(2026, 9, 20)

    # the re-inspection the next morning: not corrected → ordinary proceedings open by themselves
    with time_machine.travel(local(2026, 9, 21, 9, 0), tick=False):
        response = flow.client("officer").post(
            f"/api/v1/enforcement/reinspections/{task.pk}/result/",
            {"result": "not_corrected", "note": "仍在人行道摆摊"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "proceedings"
        proceeding = Proceeding.objects.get(violation_id=second["id"])
        assert proceeding.party_id == party
        assert proceeding.opened_on == dt.date(2026, 9, 21)
        assert not Proceeding.objects.filter(violation_id=first["id"]).exists()
        flow.id = proceeding.pk
        data = flow.client("officer").get(f"{BASE}{flow.id}/").json()
        flow.version = data["version"]
        assert data["state"] == "investigation"
        assert data["decision_due"] == "2026-12-21"  # 90 natural days

        # a second credentialed officer joins; the interview is recorded with the body-camera audio
        officers = [flow.uid("officer"), flow.uid("officer2")]
        flow.step("squadron_leader", "assign-officers", {"officers": officers})
        record_body = {
            "kind": "interview",
            "content": "当事人承认经责令改正后仍在人行道上摆摊卖水果",
            "interviewee": "刘建国",
            "officers": officers,
            "files": [wav()],
        }
        flow.step("officer", "records", record_body, multipart=True)

        # the notice of intended penalty: the benchmark's fine for a repeat offence
        notice = {
            "facts": "2026年9月20日19时，当事人在中山东路人行道上摆摊经营水果，经责令当日改正，"
            "9月21日复查仍未改正。",
            "reasons": "经教育、责令改正后再次违法。",
            "legal_basis": "《城市市容和环境卫生管理条例》第十四条、第三十六条",
            "penalty_kind": "fine",
        }
        data = flow.step("officer", "notice", notice)
        assert data["state"] == "notice_issued"
        assert Decimal(data["notices"][0]["fine"]) == Decimal("200")
        assert data["notices"][0]["hearing_right"] is True

    # served Monday 28 September: 5 working days over National Day (1–7 October) → Saturday 10 October
    with time_machine.travel(local(2026, 9, 28, 10, 0), tick=False):
        flow.step("officer", "serve-notice", {"method": "in_person", "recipient": "刘建国"})
        pending = flow.pending()
        assert pending["statement"]["due"] == "2026-10-10"
        assert pending["hearing_request"]["due"] == "2026-10-10"

    # the hearing: asked for on 30 September, noticed 7 working days ahead → 15 October at the earliest
    with time_machine.travel(local(2026, 9, 30, 9, 0), tick=False):
        flow.step("officer", "request-hearing", {"content": "要求听证"})
        hearing = {
            "method": "in_person",
            "recipient": "刘建国",
            "place": "区城管局听证室",
            "host": flow.uid("host"),
        }
        barred = flow.barred(
            "host",
            "schedule-hearing",
            {**hearing, "scheduled_for": "2026-10-09T10:00:00+08:00"},
            "hearing_notice",
        )
        assert barred["details"]["earliest"] == "2026-10-15"
        data = flow.step(
            "host", "schedule-hearing", {**hearing, "scheduled_for": "2026-10-15T10:00:00+08:00"}
        )
        assert data["state"] == "hearing_scheduled"

    with time_machine.travel(local(2026, 10, 15, 11, 30), tick=False):
        data = flow.step("host", "hold-hearing", {"record": "当事人称家庭困难，请求从轻。"})
        assert data["state"] == "legal_review"  # a hearing makes the legal review required
        flow.refused("legal-review", {"result": "approved", "opinion": "x"}, "officer")
        data = flow.step(
            "reviewer", "legal-review", {"result": "approved", "opinion": "事实清楚，程序合法。"}
        )
        assert data["state"] == "awaiting_decision"
        flow.barred("squadron_leader", "decide", {"fine": "300.00"}, "no_heavier")
        data = flow.step("squadron_leader", "decide", {"fine": "200.00"})
        assert data["state"] == "decided"
        assert flow.pending()["service"]["due"] == "2026-10-26"  # 7 working days from Thursday 15 October

    # served Friday 16 October: 15 days → Saturday 31 October → the last day is Monday 2 November
    with time_machine.travel(local(2026, 10, 16, 15, 0), tick=False):
        data = flow.step("officer", "serve-decision", {"method": "in_person", "recipient": "刘建国"})
        assert data["state"] == "awaiting_payment"
        assert data["payment_due"] == "2026-11-02"

    with time_machine.travel(local(2026, 11, 2, 16, 0), tick=False):
        assert flow.client("officer").get(f"{BASE}{flow.id}/").json()["owed"]["surcharge"] == "0.00"
        flow.barred("officer", "demand", {}, "payment_period")

    # unpaid: 3 % a day grows the surcharge, 6 yuan for each day late
    surcharges = {}
    for day in (dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 20)):
        with time_machine.travel(local(day.year, day.month, day.day, 9, 0), tick=False):
            surcharges[day] = flow.client("officer").get(f"{BASE}{flow.id}/").json()["owed"]["surcharge"]
    assert surcharges == {
        dt.date(2026, 11, 3): "6.00",
        dt.date(2026, 11, 4): "12.00",
        dt.date(2026, 11, 20): "108.00",
    }

    # the demand notice on 20 November (18 days late)
    with time_machine.travel(local(2026, 11, 20, 9, 0), tick=False):
        owed = flow.client("officer").get(f"{BASE}{flow.id}/").json()["owed"]
        assert owed == {"fine": "200.00", "surcharge": "108.00", "paid": "0.00", "outstanding": "308.00"}
        data = flow.step("officer", "demand", {})
        assert data["state"] == "demand_issued"
        assert data["demands"][0]["surcharge_due"] == "108.00"
        flow.step("officer", "serve-demand", {"method": "post", "tracking_number": "EMS1234567890"})

    # the surcharge stops at the fine: 33 days late are 198 yuan (5 December), the 34th
    # day would make 204 yuan: capped at 200 (6 December), and it stays there
    for day, expected in ((dt.date(2026, 12, 5), "198.00"), (dt.date(2026, 12, 6), "200.00")):
        with time_machine.travel(local(day.year, day.month, day.day, 9, 0), tick=False):
            assert flow.client("officer").get(f"{BASE}{flow.id}/").json()["owed"]["surcharge"] == expected
    with time_machine.travel(local(2026, 12, 31, 9, 0), tick=False):
        data = flow.client("officer").get(f"{BASE}{flow.id}/").json()
        assert data["owed"]["surcharge"] == "200.00" and data["owed"]["outstanding"] == "400.00"
        pending = {item["step"]: item for item in data["pending"]}
        assert pending["demand_performance"]["due"] == "2026-12-04"  # 10 working days after 20 November
        # review (60 days) and litigation (6 months) periods still run: too early for the court
        barred = flow.barred(
            "squadron_leader", "court-application", {"court": "海曙区人民法院"}, "court_window"
        )
        assert (barred["details"]["opens"], barred["details"]["closes"]) == ("2027-04-17", "2027-07-16")

    # the court application in its window, and its document read back from the DOCX
    with time_machine.travel(local(2027, 5, 10, 9, 0), tick=False):
        flow.refused("court-application", {"court": "海曙区人民法院"}, "officer")
        data = flow.step("squadron_leader", "court-application", {"court": "海曙区人民法院"})
        assert data["state"] == "court_applied"
        assert data["court_applications"][0]["surcharge_due"] == "200.00"
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
        assert document["number"] in text
        assert "海曙区人民法院" in text and "刘建国" in text

    assert Violation.objects.get(pk=second["id"]).status == "proceedings"
