"""Satisfaction callbacks (回访): operators call reporters of closed cases back; counted for evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from chengguan.cases import workflow
from chengguan.cases.models import Case, CaseState
from chengguan.core.errors import AccessDenied, InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.portal import services
from chengguan.portal.selectors import callback_counts, get_callback_queue
from chengguan.portal.tests.conftest import EAST, close, jpeg, portal_report

pytestmark = pytest.mark.django_db


def closed_with_phone(city: TinyCity, phone: str = "13812345678") -> Case:
    return close(city, portal_report(reporter_phone=phone).case)


def test_the_operator_lists_closed_cases_to_call_back(client: Client, tiny_city: TinyCity) -> None:
    # given a closed case with a phone, one without, and an open one
    due = closed_with_phone(tiny_city)
    close(tiny_city, portal_report(reporter_phone="").case)
    portal_report(reporter_phone="13900000000")

    client.force_login(tiny_city.users["operator"])
    html = client.get("/en/office/callbacks/").content.decode()

    assert [c.pk for c in get_callback_queue(tiny_city.users["operator"], window_days=30)] == [due.pk]
    assert due.number in html and "13812345678" in html
    assert "13900000000" not in html


def test_a_reached_callback_takes_the_case_off_the_list(tiny_city: TinyCity) -> None:
    case = closed_with_phone(tiny_city)
    operator = tiny_city.users["operator"]
    services.record_callback(case.pk, actor=operator, reached=False, note="无人接听")
    assert get_callback_queue(operator, window_days=30).get().attempts == 1
    services.record_callback(case.pk, actor=operator, reached=True, satisfaction=5)
    assert not get_callback_queue(operator, window_days=30).exists()


def test_the_page_records_a_callback(client: Client, tiny_city: TinyCity) -> None:
    case = closed_with_phone(tiny_city)
    client.force_login(tiny_city.users["operator"])
    response = client.post(
        f"/en/office/callbacks/{case.pk}/", {"reached": "1", "satisfaction": "4", "note": "满意"}
    )
    assert response.status_code == 302
    assert case.callbacks.get().satisfaction == 4


@pytest.mark.parametrize("who", ["dispatcher", "citizen", "inspector"])
def test_only_operators_call_back(client: Client, tiny_city: TinyCity, who: str) -> None:
    case = closed_with_phone(tiny_city)
    with pytest.raises(AccessDenied):
        services.record_callback(case.pk, actor=tiny_city.users[who], reached=True)
    client.force_login(tiny_city.users[who])
    assert client.get("/en/office/callbacks/").status_code == 403
    assert client.post(f"/en/office/callbacks/{case.pk}/", {"reached": "1"}).status_code == 403


def test_an_operator_outside_the_territory_is_refused(tiny_city: TinyCity) -> None:
    operator = User.objects.create_user("east-op", unit=tiny_city.units["east"])
    operator.groups.add(Group.objects.get(name=Role.OPERATOR))
    case = closed_with_phone(tiny_city)  # in the west
    with pytest.raises(AccessDenied):
        services.record_callback(case.pk, actor=operator, reached=True)
    assert not get_callback_queue(operator, window_days=30).exists()


def test_a_score_needs_a_reached_reporter_and_an_open_case_is_not_called(tiny_city: TinyCity) -> None:
    case = closed_with_phone(tiny_city)
    with pytest.raises(InvalidInput):
        services.record_callback(case.pk, actor=tiny_city.users["operator"], reached=False, satisfaction=3)
    open_case = portal_report().case
    with pytest.raises(InvalidInput):
        services.record_callback(open_case.pk, actor=tiny_city.users["operator"], reached=True)


def test_a_dissatisfied_reporter_on_the_phone_gets_the_case_reopened(tiny_city: TinyCity) -> None:
    case = closed_with_phone(tiny_city)
    services.record_callback(
        case.pk, actor=tiny_city.users["operator"], reached=True, satisfaction=1, note="没修好", reopen=True
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.ACCEPTED and case.rework_count == 1


def test_callback_counts_for_evaluation(tiny_city: TinyCity) -> None:
    # given three callbacks on west cases (one not reached, a 5 and a 2) and one on an east case
    operator = tiny_city.users["operator"]
    west = [closed_with_phone(tiny_city) for _ in range(2)]
    east = close_east(tiny_city)
    services.record_callback(west[0].pk, actor=operator, reached=False)
    services.record_callback(west[0].pk, actor=operator, reached=True, satisfaction=5)
    services.record_callback(west[1].pk, actor=operator, reached=True, satisfaction=2)
    services.record_callback(east.pk, actor=operator, reached=True, satisfaction=4)
    now = timezone.now()
    start, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)

    all_units = callback_counts(start, end)
    west_only = callback_counts(start, end, unit=tiny_city.units["west"])

    assert all_units["callbacks"] == 4 and all_units["reached"] == 3 and all_units["not_reached"] == 1
    assert all_units["cases_called"] == 3
    assert (all_units["satisfied"], all_units["unsatisfied"]) == (2, 1)
    assert all_units["satisfaction_mean"] == pytest.approx(11 / 3, abs=1e-3)
    assert west_only["callbacks"] == 3 and west_only["satisfied"] == 1 and west_only["reach_rate"] == 2 / 3
    assert callback_counts(end, end + dt.timedelta(days=1))["reach_rate"] is None
    # the bureau counts everything below it
    assert callback_counts(start, end, unit=tiny_city.units["bureau"])["callbacks"] == 4


def close_east(city: TinyCity) -> Case:
    case = portal_report(at=EAST, reporter_phone="13700000000").case
    case = workflow.register(case.pk, actor=city.users["operator"], version=case.version)
    case = workflow.dispatch(case.pk, actor=city.users["dispatcher"], version=case.version)
    case = workflow.accept(case.pk, actor=city.users["outsider"], version=case.version)
    case = workflow.report_back(
        case.pk, actor=city.users["outsider"], version=case.version, note="ok", files=[jpeg()]
    )
    # the east squadron's own inspector verifies (the tiny city's inspector works in the west)
    inspector = User.objects.create_user("east-inspector", unit=city.units["east"])
    inspector.groups.add(Group.objects.get(name=Role.INSPECTOR))
    return workflow.verify(case.pk, actor=inspector, version=case.version, passed=True)
