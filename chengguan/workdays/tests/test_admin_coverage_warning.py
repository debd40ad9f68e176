"""The admin warns about years in use that have no holiday table (deadlines there count Mon–Fri)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from chengguan.workdays.coverage import (
    get_years_in_use,
    register_deadline_years,
    unregister_deadline_years,
)
from chengguan.workdays.models import CoveredYear, DayOverride, WorkSchedule

pytestmark = pytest.mark.django_db

MID_2026 = dt.datetime(2026, 6, 1, 4, tzinfo=dt.UTC)


def warnings_on(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


@time_machine.travel(MID_2026, tick=False)
def test_the_holiday_table_lists_warn_about_the_next_years_without_a_table(admin_client: Any) -> None:
    # given it is June 2026: chinese-calendar knows 2026 but not 2027 or 2028
    # when an administrator opens the holiday table
    messages = warnings_on(admin_client, reverse("admin:workdays_dayoverride_changelist"))

    # then one warning names both uncovered years
    assert len(messages) == 1
    assert "2027, 2028" in messages[0]


@time_machine.travel(MID_2026, tick=False)
def test_a_covered_year_is_no_longer_named(admin_client: Any) -> None:
    CoveredYear.objects.create(year=2027, source="国务院办公厅通知")

    messages = warnings_on(admin_client, reverse("admin:workdays_coveredyear_changelist"))

    assert len(messages) == 1
    assert "2027" not in messages[0]
    assert "2028" in messages[0]


@time_machine.travel(dt.datetime(2024, 6, 1, 4, tzinfo=dt.UTC), tick=False)
def test_no_warning_when_every_year_in_use_is_covered(admin_client: Any) -> None:
    assert warnings_on(admin_client, reverse("admin:workdays_dayoverride_changelist")) == []


@time_machine.travel(MID_2026, tick=False)
def test_years_of_open_deadlines_count_as_in_use() -> None:
    # given the cases app reports an open deadline in 2031
    def open_deadline_years() -> list[int]:
        return [2031]

    register_deadline_years(open_deadline_years)
    try:
        assert get_years_in_use() == [2026, 2027, 2028, 2031]
    finally:
        unregister_deadline_years(open_deadline_years)


def test_an_administrator_can_add_a_holiday_in_the_admin(admin_client: Any) -> None:
    response = admin_client.post(
        reverse("admin:workdays_dayoverride_add"),
        {"date": "2027-01-01", "is_working_day": "", "name": "元旦", "note": ""},
    )

    assert response.status_code == 302
    assert DayOverride.objects.get(date=dt.date(2027, 1, 1)).is_working_day is False


def test_the_working_hours_can_be_changed_but_not_added_twice_or_deleted(admin_client: Any) -> None:
    url = reverse("admin:workdays_workschedule_change", args=[1])
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:workdays_workschedule_add")).status_code == 403
    assert admin_client.get(reverse("admin:workdays_workschedule_delete", args=[1])).status_code == 403

    response = admin_client.post(
        url,
        {
            "period1_start": "09:00",
            "period1_end": "12:00",
            "period2_start": "11:00",
            "period2_end": "17:00",
            "due_soon_fraction": "0.20",
            "due_soon_hours": "",
        },
    )

    assert response.status_code == 200  # the form comes back: the periods overlap
    assert WorkSchedule.objects.get(pk=1).period1_start == dt.time(8, 30)
