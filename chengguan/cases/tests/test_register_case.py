"""立案: the operator registers a report; the dispatch clock starts."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.cases import workflow
from chengguan.cases.errors import InvalidTransition, StaleVersion
from chengguan.cases.models import CaseEvent, CaseState
from chengguan.cases.tests.builders import MONDAY, STREET_VENDING, local, registered, reported
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity


@time_machine.travel(MONDAY, tick=False)
def test_the_operator_registers_a_report(tiny_city: TinyCity) -> None:
    # given a reported case
    case = reported(tiny_city)

    # when the operator registers it as urgent
    case = workflow.register(
        case.pk, actor=tiny_city.users["operator"], version=1, urgency="urgent", note="核实无误"
    )

    # then it is registered, its version moved, the dispatch clock runs (0.5 working hours)
    assert case.state == CaseState.REGISTERED
    assert case.version == 2
    assert case.urgency == "urgent"
    assert case.registered_at == MONDAY
    assert case.dispatch_due == local(2026, 11, 23, 9, 30)
    assert case.current_due == case.dispatch_due
    event = CaseEvent.objects.get(case=case, action="registered")
    assert (event.from_state, event.to_state, event.public) == ("reported", "registered", True)
    assert event.payload["old"]["urgency"] == "normal"
    assert event.payload["new"]["urgency"] == "urgent"
    assert event.actor == tiny_city.users["operator"]
    assert AuditEntry.objects.filter(action="case.register", target_id=str(case.pk)).count() == 1


def test_registering_with_another_category_routes_it_again(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)
    assert case.suggested_unit == tiny_city.units["water"]

    case = workflow.register(case.pk, actor=tiny_city.users["operator"], version=1, category=STREET_VENDING)

    assert case.category.code == "0504"
    assert case.suggested_unit == tiny_city.units["west"]


def test_registering_twice_is_an_invalid_transition(tiny_city: TinyCity) -> None:
    case = registered(tiny_city)

    with pytest.raises(InvalidTransition) as conflict:
        workflow.register(case.pk, actor=tiny_city.users["operator"], version=case.version)

    assert conflict.value.http_status == 409
    assert conflict.value.details["state"] == "registered"
    assert conflict.value.details["version"] == 2


def test_a_stale_version_is_a_conflict_and_the_audit_shows_one_transition(tiny_city: TinyCity) -> None:
    # given a report another operator has just registered
    case = reported(tiny_city)
    operator = tiny_city.users["operator"]
    workflow.register(case.pk, actor=operator, version=1)

    # when a second operator, who saw version 1, tries to reject it
    with pytest.raises((StaleVersion, InvalidTransition)) as conflict:
        workflow.reject(case.pk, actor=operator, version=1, reason="不属实")

    # then a conflict with the current state and version, and only one transition recorded
    assert conflict.value.http_status == 409
    assert (conflict.value.details["state"], conflict.value.details["version"]) == ("registered", 2)
    assert (
        AuditEntry.objects.filter(target_id=str(case.pk), action__in=["case.register", "case.reject"]).count()
        == 1
    )
    assert CaseEvent.objects.filter(case=case).exclude(action="reported").count() == 1


def test_an_old_version_in_a_valid_state_is_a_stale_version(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with pytest.raises(StaleVersion) as conflict:
        workflow.register(case.pk, actor=tiny_city.users["operator"], version=7)

    assert conflict.value.details == {"state": "reported", "version": 1}
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"urgency": "soon"}, "urgency"), ({"category": "event:7777"}, "category")]
)
def test_bad_corrections_are_refused(tiny_city: TinyCity, kwargs: dict, field: str) -> None:
    case = reported(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.register(case.pk, actor=tiny_city.users["operator"], version=1, **kwargs)

    assert refused.value.field == field


def test_a_version_that_is_not_a_number_is_refused(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.register(case.pk, actor=tiny_city.users["operator"], version="1")  # type: ignore[arg-type]

    assert refused.value.field == "version"
