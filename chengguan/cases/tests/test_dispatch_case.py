"""派遣: the dispatcher sends a registered case to a squadron or department; the handling clock starts."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.models import CaseState, Notification
from chengguan.cases.tests.builders import MONDAY, STREET_VENDING, local, registered
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.org.models import Unit, UnitKind


@time_machine.travel(MONDAY, tick=False)
def test_the_dispatcher_sends_the_case_to_the_suggested_unit(tiny_city: TinyCity) -> None:
    case = registered(tiny_city)

    case = workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    assert case.state == CaseState.DISPATCHED
    assert case.assigned_unit == tiny_city.units["water"]
    assert case.dispatched_at == MONDAY
    # 污水井盖, normal: 1 working day
    assert case.handle_due == local(2026, 11, 24, 9, 0)
    assert case.current_due == case.handle_due
    assert Notification.objects.filter(case=case, unit=tiny_city.units["water"], kind="dispatched").exists()


@time_machine.travel(MONDAY, tick=False)
def test_an_urgent_case_gets_the_urgent_limit(tiny_city: TinyCity) -> None:
    case = registered(tiny_city, urgency="urgent")

    case = workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    assert case.handle_due == local(2026, 11, 23, 11, 0)


def test_the_dispatcher_may_choose_another_unit(tiny_city: TinyCity) -> None:
    case = registered(tiny_city, category=STREET_VENDING)

    case = workflow.dispatch(
        case.pk, actor=tiny_city.users["dispatcher"], version=case.version, unit=tiny_city.units["water"].pk
    )

    assert case.assigned_unit == tiny_city.units["water"]


@pytest.mark.parametrize("kind", [UnitKind.BUREAU, UnitKind.AGENCY])
def test_cases_only_go_to_squadrons_and_departments(tiny_city: TinyCity, kind: str) -> None:
    unit = Unit.objects.create(code="X-" + kind, name=kind, kind=kind)
    case = registered(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version, unit=unit.pk)

    assert refused.value.field == "unit"
