"""Deadlines of case time limits in working hours and working days (the rule in calendar.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core.errors import InvalidInput
from chengguan.workdays.calendar import add_working_time, is_working_day, working_time_between
from chengguan.workdays.tests.moments import at

pytestmark = pytest.mark.django_db

# 8–12 June 2026 is an ordinary week (Dragon Boat is on Friday 19 June).
MONDAY, TUESDAY, FRIDAY, SUNDAY, NEXT_MONDAY = (
    dt.date(2026, 6, 8),
    dt.date(2026, 6, 9),
    dt.date(2026, 6, 12),
    dt.date(2026, 6, 14),
    dt.date(2026, 6, 15),
)


def test_one_working_day_from_monday_morning_ends_tuesday_at_the_same_time() -> None:
    assert add_working_time(at(2026, 6, 8, 10), days=1) == at(2026, 6, 9, 10)


def test_one_working_day_from_friday_afternoon_ends_monday_at_the_same_time() -> None:
    assert add_working_time(at(2026, 6, 12, 16), days=1) == at(2026, 6, 15, 16)


def test_an_urgent_two_hour_limit_at_half_past_eleven_skips_the_lunch_break() -> None:
    # given a 2-working-hour limit starting at 11:30 (half an hour before lunch)
    deadline = add_working_time(at(2026, 6, 8, 11, 30), hours=2)

    # then 11:30–12:00 and 13:30–15:00 make the two hours
    assert deadline == at(2026, 6, 8, 15, 0)


def test_a_start_outside_working_time_counts_from_the_next_working_period() -> None:
    assert add_working_time(at(2026, 6, 14, 9), hours=1) == at(2026, 6, 15, 9, 30)
    assert add_working_time(at(2026, 6, 8, 12, 40), hours=1) == at(2026, 6, 8, 14, 30)
    assert add_working_time(at(2026, 6, 8, 20), hours=1) == at(2026, 6, 9, 9, 30)


def test_a_limit_ending_on_the_end_of_a_period_ends_there_not_at_the_next_start() -> None:
    assert add_working_time(at(2026, 6, 14, 9), days=1) == at(2026, 6, 15, 17, 30)
    assert add_working_time(at(2026, 6, 8, 8, 30), hours=3.5) == at(2026, 6, 8, 12, 0)
    assert add_working_time(at(2026, 6, 8, 13, 30), days=1) == at(2026, 6, 9, 12, 0)


def test_hours_and_days_add_up() -> None:
    assert add_working_time(at(2026, 6, 8, 10), days=1, hours=2) == at(2026, 6, 9, 12, 0)


def test_a_zero_limit_is_the_start_itself() -> None:
    assert add_working_time(at(2026, 6, 14, 9)) == at(2026, 6, 14, 9)


def test_the_deadline_is_in_the_city_zone_whatever_the_zone_of_the_start() -> None:
    start_in_utc = at(2026, 6, 8, 10).astimezone(dt.UTC)

    deadline = add_working_time(start_in_utc, days=1)

    assert deadline == at(2026, 6, 9, 10)
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_it_refuses_naive_datetimes_and_negative_limits() -> None:
    with pytest.raises(InvalidInput):
        add_working_time(dt.datetime(2026, 6, 8, 10), hours=1)  # noqa: DTZ001
    with pytest.raises(InvalidInput):
        add_working_time(at(2026, 6, 8, 10), hours=-1)


def test_working_time_between_counts_only_working_periods_of_working_days() -> None:
    assert working_time_between(at(2026, 6, 12, 16), at(2026, 6, 15, 10)) == dt.timedelta(hours=3)
    assert working_time_between(at(2026, 6, 8, 0), at(2026, 6, 9, 0)) == dt.timedelta(hours=7.5)
    assert working_time_between(at(2026, 6, 9, 0), at(2026, 6, 8, 0)) == dt.timedelta(0)


class TestNationalDay2026:
    """1–7 October 2026 are holidays; Saturday 10 October is an adjusted working day (调休)."""

    def test_chinese_calendar_knows_the_holidays_and_the_adjusted_saturday(self) -> None:
        assert not any(is_working_day(dt.date(2026, 10, d)) for d in range(1, 8))
        assert is_working_day(dt.date(2026, 10, 8))
        assert is_working_day(dt.date(2026, 10, 10))
        assert not is_working_day(dt.date(2026, 10, 11))

    def test_one_working_day_from_30_september_at_16_ends_on_8_october_at_16(self) -> None:
        assert add_working_time(at(2026, 9, 30, 16), days=1) == at(2026, 10, 8, 16)

    def test_a_limit_over_the_holiday_counts_the_adjusted_saturday(self) -> None:
        # 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct, then Monday 12 Oct (Sunday 11 Oct is a rest day)
        assert add_working_time(at(2026, 9, 30, 16), days=4) == at(2026, 10, 12, 16)

    def test_no_working_time_passes_during_the_holiday(self) -> None:
        assert working_time_between(at(2026, 9, 30, 17, 30), at(2026, 10, 8, 8, 30)) == dt.timedelta(0)
