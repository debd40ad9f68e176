"""The step the system proposes from the party's history, the officer's choice and the re-inspection."""

from __future__ import annotations

import datetime as dt
import sys
import types
from importlib.machinery import ModuleSpec

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.enforcement.models import (
    EnforcementStep,
    Harm,
    ReinspectionTask,
    Violation,
    ViolationEvent,
    ViolationStatus,
)
from chengguan.enforcement.tests.builders import LIU, at, record

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture(autouse=True)
def penalty_app(monkeypatch) -> list[tuple[int, int]]:
    """The penalty app's ``open_proceeding`` replaced by a recorder: these tests are about the ledger."""
    opened: list[tuple[int, int]] = []
    fake = types.ModuleType("chengguan.penalty.services")
    fake.__spec__ = ModuleSpec("chengguan.penalty.services", None)
    fake.open_proceeding = lambda violation, actor: opened.append((violation.pk, actor.pk))
    monkeypatch.setitem(sys.modules, "chengguan.penalty.services", fake)
    return opened


def choose(api, user, violation, **data):
    return api(user).post(f"/api/v1/enforcement/violations/{violation.pk}/choose/", data, format="json")


def reinspect(api, user, task, **data):
    return api(user).post(f"/api/v1/enforcement/reinspections/{task.pk}/result/", data, format="json")


def test_vendor_three_times_reminder_then_order_then_proceedings(city, api) -> None:
    officer = city.users["officer"]
    # given a first violation: warm reminder, no penalty, education recorded
    with time_machine.travel(at(2026, 6, 1, 19), tick=False):
        first = record(officer, "street-occupation", description="水果摊")
        assert first.proposed_step == EnforcementStep.WARM_REMINDER
        response = choose(api, officer, first, step="warm_reminder")
        assert response.status_code == 200, response.json()
        data = response.json()
        assert data["status"] == ViolationStatus.EDUCATED
        assert data["education_given"] is True
        assert "首违不罚" not in data["education_note"] and "第三十三条" in data["education_note"]
        assert data["resolution"] == "Education given, no penalty"
    party = first.party
    # when he is back two weeks later: a rectification order due the same day, with a re-inspection
    with time_machine.travel(at(2026, 6, 15, 19), tick=False):
        second = record(officer, "street-occupation", party=party)
        assert second.proposed_step == EnforcementStep.RECTIFICATION_ORDER
        assert second.proposal_basis["earlier_violations"] == [first.pk]
        response = choose(api, officer, second, step="rectification_order", version=1)
        assert response.status_code == 200, response.json()
        assert response.json()["rectification_deadline"] == "2026-06-15"
        task = ReinspectionTask.objects.get(violation=second)
        assert task.due_date == dt.date(2026, 6, 15)
        pending = api(officer).get("/api/v1/enforcement/reinspections/", {"result": "pending"}).json()
        assert [t["id"] for t in pending["results"]] == [task.pk]
        assert api(city.users["outsider"]).get("/api/v1/enforcement/reinspections/").json()["results"] == []
        response = reinspect(api, officer, task, result="corrected", note="20:00 摊位已撤离")
        assert response.status_code == 200
        assert response.json()["status"] == ViolationStatus.CORRECTED
    # then a month later, a third time: the system proposes proceedings
    with time_machine.travel(at(2026, 7, 15, 19), tick=False):
        third = record(officer, "street-occupation", party=party)
        assert third.proposed_step == EnforcementStep.PROCEEDINGS
        assert set(third.proposal_basis["earlier_violations"]) == {first.pk, second.pk}
    history = api(officer).get(f"/api/v1/enforcement/parties/{party.pk}/history/").json()
    assert [h["id"] for h in history] == [third.pk, second.pk, first.pk]


def test_a_rectification_deadline_counts_working_days_across_national_day(city, api) -> None:
    officer = city.users["officer"]
    with time_machine.travel(at(2026, 9, 30, 10), tick=False):
        v = record(officer, "illegal-outdoor-ad", harm=Harm.MODERATE)
        assert v.proposed_step == EnforcementStep.RECTIFICATION_ORDER  # harm not minor: no waiver
        response = choose(api, officer, v, step="rectification_order")
    # 3 working days from 30 September: 8, 9 October and Saturday 10 October (an adjusted working day)
    assert response.json()["rectification_deadline"] == "2026-10-10"
    assert ReinspectionTask.objects.get(violation=v).due_date == dt.date(2026, 10, 10)


def test_not_corrected_is_refused_before_the_deadline_and_then_opens_proceedings(
    city, api, penalty_app
) -> None:
    officer = city.users["officer"]
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        v = record(officer, "illegal-construction")
        assert v.proposed_step == EnforcementStep.RECTIFICATION_ORDER  # never waived
        choose(api, officer, v, step="rectification_order")
        task = ReinspectionTask.objects.get(violation=v)
        assert task.due_date == dt.date(2026, 6, 15)  # 10 working days
        early = reinspect(api, officer, task, result="not_corrected")
        assert early.status_code == 400
        assert early.json()["field"] == "result"
    with time_machine.travel(at(2026, 6, 16, 9), tick=False):
        response = reinspect(api, officer, task, result="not_corrected", note="未拆除")
    assert response.status_code == 200
    assert response.json()["status"] == ViolationStatus.PROCEEDINGS
    assert list(ViolationEvent.objects.filter(violation=v).values_list("action", flat=True)) == [
        "recorded",
        "step_chosen",
        "reinspected",
        "escalated",
    ]
    assert penalty_app == [(v.pk, officer.pk)]
    again = reinspect(api, officer, task, result="corrected")
    assert again.status_code == 409


def test_an_earlier_violation_outside_the_look_back_does_not_count(city, vtypes) -> None:
    officer = city.users["officer"]
    with time_machine.travel(at(2025, 1, 10, 10), tick=False):
        old = record(officer, "street-occupation")
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        new = record(officer, "street-occupation", party=old.party)
    assert vtypes["street-occupation"].lookback_days == 365
    assert new.proposed_step == EnforcementStep.WARM_REMINDER


def test_an_earlier_violation_of_another_type_does_not_count(city) -> None:
    officer = city.users["officer"]
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        litter = record(officer, "littering")
        vending = record(officer, "street-occupation", party=litter.party)
    assert vending.proposed_step == EnforcementStep.WARM_REMINDER


def test_serious_harm_rules_out_the_first_offence_waiver(city) -> None:
    v = record(city.users["officer"], "street-occupation", harm=Harm.SERIOUS)
    assert v.proposed_step == EnforcementStep.RECTIFICATION_ORDER
    assert any("not minor" in r for r in v.proposal_basis["reasons"])


def test_a_choice_other_than_the_proposal_needs_a_reason_and_both_are_recorded(city, api) -> None:
    officer = city.users["officer"]
    v = record(officer, "street-occupation")
    refused = choose(api, officer, v, step="rectification_order")
    assert refused.status_code == 400
    assert refused.json()["field"] == "reason"
    response = choose(api, officer, v, step="rectification_order", reason="当事人态度恶劣，拒不收摊")
    assert response.status_code == 200
    v.refresh_from_db()
    assert (v.proposed_step, v.chosen_step) == ("warm_reminder", "rectification_order")
    assert v.choice_reason == "当事人态度恶劣，拒不收摊"
    entry = AuditEntry.objects.get(action="enforcement.step_chosen")
    assert entry.payload["departs_from_proposal"] is True
    assert entry.payload["proposed_step"] == "warm_reminder"


def test_a_stale_version_is_a_conflict_and_a_second_choice_is_refused(city, api) -> None:
    officer = city.users["officer"]
    v = record(officer, "street-occupation")
    assert choose(api, officer, v, step="warm_reminder", version=7).status_code == 409
    assert choose(api, officer, v, step="warm_reminder", version=1).status_code == 200
    second = choose(api, officer, v, step="proceedings", reason="x")
    assert second.status_code == 409
    assert second.json()["details"]["status"] == "educated"


def test_an_unknown_step_is_refused(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    assert choose(api, city.users["officer"], v, step="fine").status_code == 400


# --- who may decide ---------------------------------------------------------------------------------


def test_an_auxiliary_may_not_decide(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    response = choose(api, city.users["auxiliary"], v, step="warm_reminder")
    assert response.status_code == 403
    assert "Auxiliary" in response.json()["message"]
    assert Violation.objects.get(pk=v.pk).status == ViolationStatus.PROPOSED


def test_an_officer_without_enforcement_credential_may_not_decide(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    response = choose(api, city.users["rookie"], v, step="warm_reminder")
    assert response.status_code == 403
    assert "credential" in response.json()["message"]


def test_an_officer_of_another_territory_does_not_see_the_violation(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    assert choose(api, city.users["outsider"], v, step="warm_reminder").status_code == 404


def test_a_legal_reviewer_sees_but_may_not_decide(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    reviewer = city.users["legal_reviewer"]
    assert api(reviewer).get(f"/api/v1/enforcement/violations/{v.pk}/").status_code == 200
    assert choose(api, reviewer, v, step="warm_reminder").status_code == 403


def test_the_squadron_leader_may_decide(city, api) -> None:
    v = record(city.users["officer"], "street-occupation")
    assert choose(api, city.users["squadron_leader"], v, step="warm_reminder").status_code == 200


@pytest.mark.parametrize("role", ["auxiliary", "rookie", "outsider", "inspector"])
def test_only_a_credentialed_officer_of_the_territory_records_a_reinspection(city, api, role) -> None:
    officer = city.users["officer"]
    v = record(officer, "street-occupation", harm=Harm.MODERATE)
    choose(api, officer, v, step="rectification_order")
    task = ReinspectionTask.objects.get(violation=v)
    response = reinspect(api, city.users[role], task, result="corrected")
    assert response.status_code == 403
    assert ReinspectionTask.objects.get(pk=task.pk).result == "pending"


def test_choosing_proceedings_hands_the_violation_to_the_penalty_app(city, api, penalty_app) -> None:
    opened = penalty_app
    officer = city.users["officer"]
    v = record(officer, "street-occupation")
    response = choose(api, officer, v, step="proceedings", reason="当场拒不改正")
    assert response.status_code == 200
    assert opened == [(v.pk, officer.pk)]
    assert LIU["name"] == v.party.name
