"""The ledger hands a violation that was not corrected to the real penalty procedure."""

from __future__ import annotations

import datetime as dt

import time_machine

from chengguan.enforcement.models import EnforcementStep, ReinspectionTask
from chengguan.enforcement.tests.builders import at, record
from chengguan.penalty.models import Proceeding


def test_a_failed_reinspection_opens_a_penalty_proceeding(city, api) -> None:
    officer = city.users["officer"]
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        violation = record(officer, "illegal-construction")
        assert violation.proposed_step == EnforcementStep.RECTIFICATION_ORDER
        response = api(officer).post(
            f"/api/v1/enforcement/violations/{violation.pk}/choose/",
            {"step": "rectification_order"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        task = ReinspectionTask.objects.get(violation=violation)
    with time_machine.travel(at(2026, 6, 16, 9), tick=False):
        response = api(officer).post(
            f"/api/v1/enforcement/reinspections/{task.pk}/result/",
            {"result": "not_corrected", "note": "未拆除"},
            format="json",
        )
    assert response.status_code == 200, response.json()
    proceeding = Proceeding.objects.get(violation=violation)
    assert proceeding.party_id == violation.party_id
    assert proceeding.opened_on == dt.date(2026, 6, 16)
    detail = api(officer).get(f"/api/v1/penalty/proceedings/{proceeding.pk}/")
    assert detail.status_code == 200, detail.json()
