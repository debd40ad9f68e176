"""延期: the unit asks for more time; the dispatcher approves (the deadline moves) or refuses."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.models import ExtensionStatus, Notification
from chengguan.cases.tests.builders import MONDAY, accepted, local
from chengguan.core.errors import Conflict, InvalidInput
from chengguan.core.testing import TinyCity


@time_machine.travel(MONDAY, tick=False)
def test_an_approved_extension_moves_the_handling_deadline(tiny_city: TinyCity) -> None:
    # given an accepted case due Tuesday 09:00
    case = accepted(tiny_city)
    assert case.handle_due == local(2026, 11, 24, 9, 0)

    # when the unit asks for 4 working hours and the dispatcher approves
    request = workflow.request_extension(
        case.pk,
        actor=tiny_city.users["department"],
        version=case.version,
        working_hours=4,
        reason="需要调配材料",
    )
    case = workflow.decide_extension(request.pk, actor=tiny_city.users["dispatcher"], approve=True)

    # then the deadline moves by 4 working hours (over the lunch break)
    assert case.handle_due == local(2026, 11, 24, 14, 30)
    assert case.current_due == case.handle_due
    assert case.extension_count == 1
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert request.decided_by == tiny_city.users["dispatcher"]
    assert Notification.objects.filter(user=tiny_city.users["department"], kind="extension_approved").exists()


def test_a_refused_extension_changes_no_deadline(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)
    due = case.handle_due
    request = workflow.request_extension(
        case.pk, actor=tiny_city.users["department"], version=case.version, working_hours="2.5", reason="下雨"
    )

    case = workflow.decide_extension(
        request.pk, actor=tiny_city.users["dispatcher"], approve=False, note="不批"
    )

    assert case.handle_due == due
    assert case.extension_count == 0
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED


def test_a_request_is_decided_once(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)
    request = workflow.request_extension(
        case.pk, actor=tiny_city.users["department"], version=case.version, working_hours=1, reason="x"
    )
    workflow.decide_extension(request.pk, actor=tiny_city.users["dispatcher"], approve=True)

    with pytest.raises(Conflict):
        workflow.decide_extension(request.pk, actor=tiny_city.users["dispatcher"], approve=True)


def test_one_pending_request_at_a_time(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)
    workflow.request_extension(
        case.pk, actor=tiny_city.users["department"], version=case.version, working_hours=1, reason="x"
    )

    with pytest.raises(Conflict) as conflict:
        workflow.request_extension(
            case.pk, actor=tiny_city.users["department"], version=case.version, working_hours=1, reason="y"
        )

    assert conflict.value.field == "extension"


@pytest.mark.parametrize("hours", [0, -1, "abc", 10_000, "1.25", True])
def test_the_hours_must_be_a_sensible_number(tiny_city: TinyCity, hours: object) -> None:
    case = accepted(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.request_extension(
            case.pk,
            actor=tiny_city.users["department"],
            version=case.version,
            working_hours=hours,
            reason="x",
        )

    assert refused.value.field == "working_hours"
