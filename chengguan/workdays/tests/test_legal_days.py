"""Legal time limits in whole days (Administrative Penalty Law art. 85, Compulsion Law art. 69)."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core.errors import InvalidInput
from chengguan.workdays.calendar import add_legal_days, add_months, first_working_day_from

pytestmark = pytest.mark.django_db


def test_the_start_day_is_not_counted() -> None:
    # a 15-day payment period from a decision served on Monday 1 June 2026 ends on Tuesday 16 June
    assert add_legal_days(dt.date(2026, 6, 1), 15, working=False) == dt.date(2026, 6, 16)


def test_a_natural_day_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    # 15 days from 16 September 2026 end on 1 October, National Day: the period runs to 8 October
    assert add_legal_days(dt.date(2026, 9, 16), 15, working=False) == dt.date(2026, 10, 8)


def test_a_natural_day_period_ending_on_a_sunday_ends_on_monday() -> None:
    assert add_legal_days(dt.date(2026, 6, 4), 10, working=False) == dt.date(2026, 6, 15)


def test_five_working_days_for_a_hearing_request_skip_the_weekend() -> None:
    # notice served on Wednesday 3 June 2026: Thu 4, Fri 5, Mon 8, Tue 9, Wed 10
    assert add_legal_days(dt.date(2026, 6, 3), 5, working=True) == dt.date(2026, 6, 10)


def test_working_days_skip_the_national_day_holiday_and_count_the_adjusted_saturday() -> None:
    # from 29 Sep 2026: 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct, Monday 12 Oct
    assert add_legal_days(dt.date(2026, 9, 29), 5, working=True) == dt.date(2026, 10, 12)


def test_zero_days_is_the_start_day_and_negative_days_are_refused() -> None:
    assert add_legal_days(dt.date(2026, 6, 6), 0, working=True) == dt.date(2026, 6, 6)
    with pytest.raises(InvalidInput):
        add_legal_days(dt.date(2026, 6, 6), -1, working=False)


def test_a_period_in_months_ends_on_the_same_numbered_day() -> None:
    assert add_months(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_a_period_in_months_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 8, 31), 1) == dt.date(2026, 9, 30)


def test_the_first_working_day_from_a_holiday_is_after_it() -> None:
    assert first_working_day_from(dt.date(2026, 10, 3)) == dt.date(2026, 10, 8)
    assert first_working_day_from(dt.date(2026, 10, 8)) == dt.date(2026, 10, 8)
