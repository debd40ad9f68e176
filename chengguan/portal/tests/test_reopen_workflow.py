"""``cases.workflow.reopen``: who may send a closed case back for rework, and when."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.models import Case, CaseEvent, CaseState
from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.portal.tests.conftest import close, portal_report

pytestmark = pytest.mark.django_db


def test_reopen_is_in_the_transition_table() -> None:
    transition = workflow.TRANSITIONS["reopen"]
    assert transition.from_states == {CaseState.CLOSED}
    assert transition.to_state == CaseState.ACCEPTED
    assert transition.public


def test_the_reporting_citizen_reopens(tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report(tiny_city.users["citizen"]).case)
    case = workflow.reopen(
        case.pk, actor=tiny_city.users["citizen"], version=case.version, reason="没修好", within_days=7
    )
    assert case.state == CaseState.ACCEPTED and case.rework_count == 1


def test_an_operator_of_the_territory_reopens_after_a_callback(tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report().case)
    case = workflow.reopen(
        case.pk, actor=tiny_city.users["operator"], version=case.version, reason="回访不满意", within_days=7
    )
    assert case.state == CaseState.ACCEPTED


@pytest.mark.parametrize("who", ["citizen", "dispatcher", "officer", "inspector", "outsider", None])
def test_others_may_not_reopen(tiny_city: TinyCity, who: str | None) -> None:
    # given a closed case reported anonymously (so the tiny city's citizen is not its reporter)
    case = close(tiny_city, portal_report().case)
    events = CaseEvent.objects.count()
    with pytest.raises(AccessDenied):
        workflow.reopen(
            case.pk,
            actor=tiny_city.users[who] if who else None,
            version=case.version,
            reason="x",
            within_days=7,
        )
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_an_anonymous_reporter_cannot_reopen_a_case_that_has_a_reporter_account(tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report(tiny_city.users["citizen"]).case)
    with pytest.raises(AccessDenied):
        workflow.reopen(
            case.pk, actor=None, version=case.version, reason="x", within_days=7, for_anonymous_reporter=True
        )


def test_an_open_case_cannot_be_reopened(tiny_city: TinyCity) -> None:
    case = portal_report(tiny_city.users["citizen"]).case
    with pytest.raises(Conflict):
        workflow.reopen(
            case.pk, actor=tiny_city.users["citizen"], version=case.version, reason="x", within_days=7
        )


def test_reopening_needs_a_reason_and_the_current_version(tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report(tiny_city.users["citizen"]).case)
    with pytest.raises(InvalidInput):
        workflow.reopen(
            case.pk, actor=tiny_city.users["citizen"], version=case.version, reason=" ", within_days=7
        )
    with pytest.raises(Conflict):
        workflow.reopen(
            case.pk, actor=tiny_city.users["citizen"], version=case.version - 1, reason="x", within_days=7
        )


def test_reopening_is_refused_after_the_window(tiny_city: TinyCity) -> None:
    case = close(tiny_city, portal_report(tiny_city.users["citizen"]).case)
    late = case.closed_at + dt.timedelta(days=7, minutes=1)
    with time_machine.travel(late, tick=False), pytest.raises(InvalidInput):
        workflow.reopen(
            case.pk, actor=tiny_city.users["citizen"], version=case.version, reason="x", within_days=7
        )
    with time_machine.travel(case.closed_at + dt.timedelta(days=6, hours=23), tick=False):
        assert (
            workflow.reopen(
                case.pk, actor=tiny_city.users["citizen"], version=case.version, reason="x", within_days=7
            ).state
            == CaseState.ACCEPTED
        )
