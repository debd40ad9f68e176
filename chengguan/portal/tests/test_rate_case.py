"""The reporter rates a closed case (1–5 and a comment) and, when not satisfied, reopens it for rework
within the bureau's number of days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from chengguan.cases.models import Case, CaseEvent, CaseState, Notification
from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.portal import services
from chengguan.portal.models import Rating
from chengguan.portal.tests.conftest import close, portal_report

pytestmark = pytest.mark.django_db


def closed_report(city: TinyCity, actor: object = None) -> tuple[Case, str]:
    receipt = portal_report(actor)
    return close(city, receipt.case), receipt.access_code


def test_the_anonymous_reporter_rates_with_the_access_code(tiny_city: TinyCity) -> None:
    case, code = closed_report(tiny_city)
    rating = services.rate_case(case.number, actor=None, code=code, score=5, comment="很快")
    assert (rating.score, rating.comment, rating.reopened) == (5, "很快", False)
    assert CaseEvent.objects.filter(case=case, action="rated").exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_somebody_without_the_code_may_not_rate(tiny_city: TinyCity) -> None:
    case, _code = closed_report(tiny_city)
    with pytest.raises(AccessDenied):
        services.rate_case(case.number, actor=None, code="WRONG123", score=1)
    with pytest.raises(AccessDenied):
        services.rate_case(case.number, actor=tiny_city.users["citizen"], code=None, score=1)
    assert not Rating.objects.exists()


def test_the_signed_in_reporter_rates_without_a_code(tiny_city: TinyCity) -> None:
    case, _code = closed_report(tiny_city, tiny_city.users["citizen"])
    assert services.rate_case(case.number, actor=tiny_city.users["citizen"], code=None, score=4).score == 4


def test_an_open_case_cannot_be_rated(tiny_city: TinyCity) -> None:
    receipt = portal_report()
    with pytest.raises(InvalidInput):
        services.rate_case(receipt.case.number, actor=None, code=receipt.access_code, score=5)


@pytest.mark.parametrize("score", [0, 6, "x", None, True])
def test_a_score_outside_1_to_5_is_refused(tiny_city: TinyCity, score: object) -> None:
    case, code = closed_report(tiny_city)
    with pytest.raises(InvalidInput) as error:
        services.rate_case(case.number, actor=None, code=code, score=score)
    assert error.value.field == "score"


def test_a_closure_is_rated_once(tiny_city: TinyCity) -> None:
    case, code = closed_report(tiny_city)
    services.rate_case(case.number, actor=None, code=code, score=5)
    with pytest.raises(Conflict):
        services.rate_case(case.number, actor=None, code=code, score=1)


def test_a_dissatisfied_reporter_reopens_the_case_for_rework(tiny_city: TinyCity) -> None:
    # given a closed case
    case, code = closed_report(tiny_city)

    # when its reporter rates it 1 and asks for it to be handled again
    rating = services.rate_case(
        case.number, actor=None, code=code, score=1, comment="摊子又回来了", reopen=True
    )

    # then it is back with the unit that handled it, with a new handling deadline and a rework counted
    case = Case.objects.get(pk=case.pk)
    assert rating.reopened
    assert case.state == CaseState.ACCEPTED
    assert case.rework_count == 1
    assert case.closed_at is None
    assert case.handle_due is not None and case.current_due == case.handle_due
    event = CaseEvent.objects.get(case=case, action="reopened")
    assert event.public and event.note == "摊子又回来了"
    assert Notification.objects.filter(case=case, kind="reopened", unit=case.assigned_unit).exists()


def test_a_reopened_case_can_be_closed_and_rated_again(tiny_city: TinyCity) -> None:
    from chengguan.cases import workflow
    from chengguan.portal.tests.conftest import handler_of, jpeg

    case, code = closed_report(tiny_city)
    services.rate_case(case.number, actor=None, code=code, score=1, comment="没解决", reopen=True)
    case = Case.objects.get(pk=case.pk)
    handler = handler_of(tiny_city, case)
    case = workflow.report_back(case.pk, actor=handler, version=case.version, note="再次清理", files=[jpeg()])
    case = workflow.verify(case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=True)
    assert services.rate_case(case.number, actor=None, code=code, score=5).score == 5
    assert Rating.objects.filter(case=case).count() == 2


def test_a_satisfied_score_does_not_reopen(tiny_city: TinyCity) -> None:
    case, code = closed_report(tiny_city)
    with pytest.raises(InvalidInput) as error:
        services.rate_case(case.number, actor=None, code=code, score=4, comment="还行", reopen=True)
    assert error.value.field == "reopen"
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
    assert not Rating.objects.exists()


def test_reopening_is_refused_after_the_policy_days(tiny_city: TinyCity) -> None:
    case, code = closed_report(tiny_city)
    policy = services.get_policy()
    policy.reopen_days, policy.rating_days = 3, 30
    policy.save()
    with time_machine.travel(case.closed_at + dt.timedelta(days=4), tick=False):
        with pytest.raises(InvalidInput) as error:
            services.rate_case(case.number, actor=None, code=code, score=1, comment="没解决", reopen=True)
        assert error.value.field == "reopen"
        # rating alone is still possible
        assert services.rate_case(case.number, actor=None, code=code, score=1, comment="没解决").score == 1


def test_the_page_rates_and_reopens(client: Client, tiny_city: TinyCity) -> None:
    case, code = closed_report(tiny_city)
    # the reporter enters the number and code on the tracking page, which remembers the code
    response = client.get("/en/track/", {"number": case.number, "code": code})
    assert response.status_code == 302
    page = client.get(f"/en/cases/{case.number}/").content.decode()
    assert "Rate the result" in page and "ask for it to be handled again" in page

    response = client.post(
        f"/en/cases/{case.number}/rate/", {"score": "2", "comment": "垃圾还在", "reopen": "on"}
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED
    page = client.get(f"/en/cases/{case.number}/").content.decode()
    assert "Reopened: handled again" in page


def test_a_wrong_access_code_on_the_tracking_page_is_an_error(client: Client, tiny_city: TinyCity) -> None:
    case, _code = closed_report(tiny_city)
    response = client.get("/en/track/", {"number": case.number, "code": "WRONG999"})
    assert response.status_code == 400
    assert "This access code does not belong to the case." in response.content.decode()
    response = client.post(f"/en/cases/{case.number}/rate/", {"score": "5"})
    assert response.status_code == 403
    assert not Rating.objects.exists()
