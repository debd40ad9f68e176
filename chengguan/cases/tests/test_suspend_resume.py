"""挂账: a suspended case's clock stops; on resuming, the deadline moves by the suspended working time."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.errors import InvalidTransition
from chengguan.cases.models import CaseState
from chengguan.cases.selectors import deadline_status
from chengguan.cases.tests.builders import MONDAY, accepted, dispatched, local, suspended
from chengguan.core.testing import TinyCity


def test_suspension_stops_the_clock_and_resume_moves_the_deadline(tiny_city: TinyCity) -> None:
    # given a case accepted Monday 09:00, due Tuesday 09:00
    with time_machine.travel(MONDAY, tick=False):
        case = accepted(tiny_city)
    assert case.handle_due == local(2026, 11, 24, 9, 0)

    # when the dispatcher suspends it Monday 10:00 …
    with time_machine.travel(local(2026, 11, 23, 10, 0), tick=False):
        case = workflow.suspend(
            case.pk, actor=tiny_city.users["dispatcher"], version=case.version, reason="等待管线施工"
        )
    assert case.state == CaseState.SUSPENDED
    assert case.current_due is None

    # … so it is not overdue on Tuesday afternoon, past its old deadline …
    with time_machine.travel(local(2026, 11, 24, 16, 0), tick=False):
        assert deadline_status(case) is None

    # … and resumes it Wednesday 10:00, after 15 working hours suspended
    # (Monday 10:00–17:30: 6 h, Tuesday: 7.5 h, Wednesday 08:30–10:00: 1.5 h)
    with time_machine.travel(local(2026, 11, 25, 10, 0), tick=False):
        case = workflow.resume(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    # then it is back where it was, due 15 working hours later than before: Thursday 09:00
    assert case.state == CaseState.ACCEPTED
    assert case.suspended_at is None
    assert case.handle_due == local(2026, 11, 26, 9, 0)
    assert case.current_due == case.handle_due


def test_a_dispatched_case_resumes_as_dispatched(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city)
    case = workflow.suspend(case.pk, actor=tiny_city.users["dispatcher"], version=case.version, reason="x")

    case = workflow.resume(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    assert case.state == CaseState.DISPATCHED


def test_a_suspended_case_cannot_be_handled(tiny_city: TinyCity) -> None:
    case = suspended(tiny_city)

    with pytest.raises(InvalidTransition) as conflict:
        workflow.accept(case.pk, actor=tiny_city.users["department"], version=case.version)

    assert conflict.value.details["state"] == "suspended"


def test_only_a_suspended_case_resumes(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    with pytest.raises(InvalidTransition):
        workflow.resume(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)
