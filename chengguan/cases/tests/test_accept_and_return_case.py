"""The assigned unit accepts the case, or returns it to the dispatcher."""

from __future__ import annotations

import pytest

from chengguan.cases import workflow
from chengguan.cases.errors import InvalidTransition
from chengguan.cases.models import CaseState, Notification
from chengguan.cases.tests.builders import accepted, dispatched, registered
from chengguan.core.errors import AccessDenied
from chengguan.core.testing import TinyCity


def test_a_member_of_the_assigned_unit_accepts(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city)

    case = workflow.accept(case.pk, actor=tiny_city.users["department"], version=case.version)

    assert case.state == CaseState.ACCEPTED
    assert case.accepted_at is not None


def test_a_member_of_another_unit_may_not_accept(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city)  # to the water department

    with pytest.raises(AccessDenied) as denied:
        workflow.accept(case.pk, actor=tiny_city.users["officer"], version=case.version)

    assert denied.value.field == "unit"


def test_the_unit_returns_a_case_that_is_not_theirs(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    case = workflow.return_case(
        case.pk, actor=tiny_city.users["department"], version=case.version, reason="非本单位管辖"
    )

    assert case.state == CaseState.RETURNED
    assert case.assigned_unit is None
    assert case.current_due == case.dispatch_due
    assert Notification.objects.filter(
        case=case, user=tiny_city.users["dispatcher"], kind="returned"
    ).exists()


def test_a_returned_case_is_dispatched_again(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city)
    case = workflow.return_case(
        case.pk, actor=tiny_city.users["department"], version=case.version, reason="错派"
    )

    case = workflow.dispatch(
        case.pk, actor=tiny_city.users["dispatcher"], version=case.version, unit=tiny_city.units["west"].pk
    )

    assert case.state == CaseState.DISPATCHED
    assert case.assigned_unit == tiny_city.units["west"]


def test_an_accepted_case_cannot_be_accepted_again(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    with pytest.raises(InvalidTransition) as conflict:
        workflow.accept(case.pk, actor=tiny_city.users["department"], version=case.version)

    assert conflict.value.details["state"] == "accepted"


def test_a_case_not_yet_dispatched_has_no_unit_to_accept_it(tiny_city: TinyCity) -> None:
    case = registered(tiny_city)

    with pytest.raises(AccessDenied):
        workflow.accept(case.pk, actor=tiny_city.users["department"], version=case.version)
