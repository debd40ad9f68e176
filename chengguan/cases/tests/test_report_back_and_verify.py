"""处理反馈 and 核查结案: the unit reports back with an after-photo; the inspector closes or sends it back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.models import CaseEvent, CaseState, Notification
from chengguan.cases.tests.builders import MONDAY, accepted, handled, local, photo, text_file
from chengguan.core.errors import AccessDenied, InvalidInput
from chengguan.core.testing import TinyCity


@time_machine.travel(MONDAY, tick=False)
def test_the_unit_reports_back_with_an_after_photo(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    case = workflow.report_back(
        case.pk, actor=tiny_city.users["department"], version=case.version, note="已更换", files=[photo()]
    )

    assert case.state == CaseState.HANDLED
    assert case.handled_at == MONDAY
    assert case.verify_due == local(2026, 11, 23, 10, 0)
    assert case.current_due == case.verify_due
    event = CaseEvent.objects.get(case=case, action="handled")
    assert len(event.payload["evidence"]) == 1
    assert Notification.objects.filter(case=case, user=tiny_city.users["inspector"], kind="verify").exists()


@pytest.mark.parametrize("files", [[], [text_file()]])
def test_reporting_back_needs_a_photo(tiny_city: TinyCity, files: list) -> None:
    case = accepted(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.report_back(
            case.pk, actor=tiny_city.users["department"], version=case.version, note="好了", files=files
        )

    assert refused.value.field in {"files", "file"}
    assert not CaseEvent.objects.filter(case=case, action="handled").exists()


def test_the_inspector_verifies_and_the_case_closes_on_time(tiny_city: TinyCity) -> None:
    # Scenario 1: reported 08:40, handled 10:05, verified 10:20
    with time_machine.travel(local(2026, 11, 23, 8, 40), tick=False):
        case = accepted(tiny_city, urgency="urgent")
    with time_machine.travel(local(2026, 11, 23, 10, 5), tick=False):
        case = workflow.report_back(
            case.pk, actor=tiny_city.users["department"], version=case.version, note="已更换", files=[photo()]
        )
    with time_machine.travel(local(2026, 11, 23, 10, 20), tick=False):
        case = workflow.verify(case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=True)

    assert case.state == CaseState.CLOSED
    assert case.closed_at == local(2026, 11, 23, 10, 20)
    assert case.verified_at == case.closed_at
    assert case.closed_on_time is True
    assert case.current_due is None


def test_a_late_handling_closes_late(tiny_city: TinyCity) -> None:
    with time_machine.travel(MONDAY, tick=False):
        case = accepted(tiny_city)
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        case = workflow.report_back(
            case.pk, actor=tiny_city.users["department"], version=case.version, note="晚了", files=[photo()]
        )
        case = workflow.verify(case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=True)

    assert case.closed_on_time is False


def test_a_failed_verification_sends_the_case_back_and_restarts_the_handle_clock(tiny_city: TinyCity) -> None:
    with time_machine.travel(MONDAY, tick=False):
        case = handled(tiny_city)
    later = local(2026, 11, 23, 14, 0)
    with time_machine.travel(later, tick=False):
        case = workflow.verify(
            case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=False, note="井盖仍松动"
        )

    assert case.state == CaseState.ACCEPTED
    assert case.rework_count == 1
    assert case.handle_due == local(2026, 11, 24, 14, 0)
    assert case.current_due == case.handle_due
    assert Notification.objects.filter(case=case, unit=tiny_city.units["water"], kind="rework").exists()


def test_a_failed_verification_needs_a_note(tiny_city: TinyCity) -> None:
    case = handled(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.verify(case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=False)

    assert refused.value.field == "note"


def test_an_inspector_of_another_territory_may_not_verify(tiny_city: TinyCity) -> None:
    case = handled(tiny_city)

    with pytest.raises(AccessDenied):
        workflow.verify(case.pk, actor=tiny_city.users["outsider"], version=case.version, passed=True)
