"""不予立案: the operator rejects a report that does not meet the criteria."""

from __future__ import annotations

import pytest

from chengguan.cases import workflow
from chengguan.cases.models import CaseEvent, CaseState, Notification
from chengguan.cases.tests.builders import reported
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity


def test_the_operator_rejects_a_report_and_the_citizen_is_told(tiny_city: TinyCity) -> None:
    case = reported(tiny_city, by="citizen", source="citizen")

    case = workflow.reject(case.pk, actor=tiny_city.users["operator"], version=1, reason="不在管理范围")

    assert case.state == CaseState.REJECTED
    assert case.current_due is None
    event = CaseEvent.objects.get(case=case, action="rejected")
    assert (event.note, event.public) == ("不在管理范围", True)
    assert Notification.objects.filter(case=case, user=tiny_city.users["citizen"], kind="rejected").exists()


def test_a_rejection_needs_a_reason(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.reject(case.pk, actor=tiny_city.users["operator"], version=1, reason="  ")

    assert refused.value.field == "reason"
