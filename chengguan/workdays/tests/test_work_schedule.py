"""The bureau's working hours and the "due soon" threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from chengguan.workdays import calendar
from chengguan.workdays.calendar import add_working_time, due_soon_at, is_working_day, working_day_length
from chengguan.workdays.models import DayOverride, WorkSchedule
from chengguan.workdays.tests.moments import at

pytestmark = pytest.mark.django_db


def schedule() -> WorkSchedule:
    return WorkSchedule.objects.get(pk=1)


def test_the_default_schedule_is_half_past_eight_to_half_past_five_with_a_lunch_break() -> None:
    assert schedule().periods() == ((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))
    assert working_day_length() == dt.timedelta(hours=7.5)


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ((dt.time(12, 0), dt.time(8, 30), None, None), "period1_end"),
        ((dt.time(8, 30), dt.time(12, 0), dt.time(11, 0), dt.time(17, 0)), "period2_start"),
        ((dt.time(8, 30), dt.time(12, 0), dt.time(13, 30), None), "period2_end"),
        ((dt.time(8, 30), dt.time(12, 0), dt.time(17, 0), dt.time(13, 30)), "period2_end"),
    ],
)
def test_it_refuses_periods_that_are_reversed_overlapping_or_half_given(
    times: tuple[dt.time, dt.time, dt.time | None, dt.time | None], field: str
) -> None:
    row = schedule()
    row.period1_start, row.period1_end, row.period2_start, row.period2_end = times

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert field in refused.value.message_dict


def test_a_single_working_period_is_allowed_and_used_at_once() -> None:
    # given the bureau works 9:00–17:00 without a break
    row = schedule()
    row.period1_start, row.period1_end, row.period2_start, row.period2_end = (
        dt.time(9),
        dt.time(17),
        None,
        None,
    )
    row.full_clean()
    row.save()

    # then a working day is 8 hours and 11:30 + 2 hours is 13:30
    assert working_day_length() == dt.timedelta(hours=8)
    assert add_working_time(at(2026, 6, 8, 11, 30), hours=2) == at(2026, 6, 8, 13, 30)


def test_due_soon_starts_when_the_last_fifth_of_the_limit_is_left() -> None:
    start = at(2026, 6, 8, 8, 30)
    deadline = add_working_time(start, days=2)  # Tuesday 17:30, 15 working hours

    # 3 working hours before the deadline: Tuesday 14:30
    assert due_soon_at(start, deadline) == at(2026, 6, 9, 14, 30)


def test_due_soon_in_hours_replaces_the_share() -> None:
    row = schedule()
    row.due_soon_hours = Decimal("1.5")
    row.save()
    start = at(2026, 6, 8, 8, 30)

    assert due_soon_at(start, add_working_time(start, days=2)) == at(2026, 6, 9, 16, 0)


def test_another_process_sees_a_changed_table_after_the_check_interval(settings: Settings) -> None:
    # given this process has loaded the calendar
    settings.WORKDAYS_VERSION_TTL_S = 3600
    assert is_working_day(dt.date(2026, 6, 8))

    # when another process adds a holiday (bulk_create sends no signals here)
    DayOverride.objects.bulk_create([DayOverride(date=dt.date(2026, 6, 8), is_working_day=False)])

    # then the cached copy serves until the interval has passed, then the change shows
    assert is_working_day(dt.date(2026, 6, 8))
    calendar._checked_at -= 3601
    assert not is_working_day(dt.date(2026, 6, 8))
