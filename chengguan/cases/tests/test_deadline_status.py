"""On time, due soon, overdue (computed from the clock) and the calendar warning for uncovered years."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chengguan.cases.selectors import calendar_warning, deadline_status, open_deadline_years
from chengguan.cases.tests.builders import MONDAY, accepted, local, reported
from chengguan.core.testing import TinyCity
from chengguan.workdays.coverage import get_years_in_use


def test_a_case_is_on_time_then_due_soon_then_overdue(tiny_city: TinyCity) -> None:
    # given a case accepted Monday 09:00, due Tuesday 09:00 (7.5 working hours)
    with time_machine.travel(MONDAY, tick=False):
        case = accepted(tiny_city)

    # due soon once a fifth (1.5 working hours) is left: from Monday 16:30 (1 h today, 0.5 h tomorrow)
    assert deadline_status(case, now=local(2026, 11, 23, 16, 29)) == "on_time"
    assert deadline_status(case, now=local(2026, 11, 23, 16, 30)) == "due_soon"
    assert deadline_status(case, now=local(2026, 11, 24, 8, 59)) == "due_soon"
    assert deadline_status(case, now=local(2026, 11, 24, 9, 0)) == "overdue"


def test_the_night_does_not_make_a_case_late(tiny_city: TinyCity) -> None:
    with time_machine.travel(local(2026, 11, 23, 17, 0), tick=False):
        case = reported(tiny_city)  # register within 1 working hour: Tuesday 09:00

    assert case.register_due == local(2026, 11, 24, 9, 0)
    assert deadline_status(case, now=local(2026, 11, 24, 3, 0)) == "on_time"
    assert deadline_status(case, now=local(2026, 11, 24, 8, 50)) == "due_soon"


def test_a_holiday_is_skipped(tiny_city: TinyCity) -> None:
    # Scenario 6: 30 September 15:00, a 1-working-day limit (7.5 h): 2.5 h that day, then past
    # National Day (1–7 October) to 5 h on Thursday 8 October
    with time_machine.travel(local(2026, 9, 30, 15, 0), tick=False):
        case = accepted(tiny_city)

    assert case.handle_due == local(2026, 10, 8, 15, 0)
    assert deadline_status(case, now=local(2026, 10, 5, 12, 0)) != "overdue"
    assert calendar_warning(case) == []


def test_a_deadline_running_into_2027_warns_that_the_calendar_is_a_guess(tiny_city: TinyCity) -> None:
    # Scenario 6: 31 December 2026, a case whose handling runs into 2027 (no holiday table yet)
    with time_machine.travel(local(2026, 12, 31, 17, 0), tick=False):
        case = accepted(tiny_city)

    assert case.handle_due.year == 2027
    assert calendar_warning(case) == [2027]


def test_a_case_without_a_clock_has_no_status(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)
    case.current_due = None

    assert deadline_status(case) is None
    assert calendar_warning(case) == []


def test_the_admin_shows_the_2027_warning_on_the_case(tiny_city: TinyCity, client: Client) -> None:
    with time_machine.travel(local(2026, 12, 31, 17, 0), tick=False):
        case = accepted(tiny_city)
    client.force_login(tiny_city.users["admin"])
    tiny_city.users["admin"].user_permissions.add(Permission.objects.get(codename="view_case"))

    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))

    assert response.status_code == 200
    assert "2027" in response.content.decode()
    assert any("2027" in str(m) for m in get_messages(response.wsgi_request))


def test_the_years_of_open_deadlines_reach_the_holiday_table_warning(tiny_city: TinyCity) -> None:
    with time_machine.travel(local(2026, 12, 31, 17, 0), tick=False):
        accepted(tiny_city)

    assert 2027 in get_years_in_use(today=dt.date(2026, 1, 5))
    assert open_deadline_years() == [2027]


def test_the_case_admin_lists_only_the_viewers_territory(tiny_city: TinyCity, client: Client) -> None:
    case = reported(tiny_city)  # in the west district
    outsider = tiny_city.users["outsider"]
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(outsider)

    response = client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == 200
    assert case.pk not in {c.pk for c in response.context["cl"].result_list}
