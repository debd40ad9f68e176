"""Properties of working-time arithmetic, for random starts in 2025–2028 (2027–2028: Mon–Fri fallback)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengguan.core.clock import city_zone
from chengguan.workdays.calendar import (
    add_working_time,
    is_working_day,
    working_day_length,
    working_time_between,
)

pytestmark = pytest.mark.django_db

DEFAULT_PERIODS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))

property_test = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

starts = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001  (hypothesis adds the city zone)
    max_value=dt.datetime(2028, 12, 31, 23, 59, 59),  # noqa: DTZ001
    timezones=st.just(city_zone()),
)
# (hours, days): 1–40 working hours (in quarter hours) or 1–20 working days
limits = st.one_of(
    st.tuples(st.integers(4, 160).map(lambda quarters: quarters / 4), st.just(0)),
    st.tuples(st.just(0.0), st.integers(1, 20)),
)
offsets = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=40))


def requested(hours: float, days: int) -> dt.timedelta:
    return dt.timedelta(hours=hours) + days * working_day_length()


@property_test
@given(start=starts, limit=limits)
def test_the_deadline_is_exactly_the_requested_working_time_after_the_start(
    start: dt.datetime, limit: tuple[float, int]
) -> None:
    hours, days = limit

    deadline = add_working_time(start, hours=hours, days=days)

    assert working_time_between(start, deadline) == requested(hours, days)


@property_test
@given(start=starts, limit=limits)
def test_the_deadline_lies_inside_or_at_the_end_of_a_working_period(
    start: dt.datetime, limit: tuple[float, int]
) -> None:
    hours, days = limit

    deadline = add_working_time(start, hours=hours, days=days)

    assert deadline.tzinfo is city_zone()
    assert is_working_day(deadline.date())
    assert any(begin < deadline.time() <= end for begin, end in DEFAULT_PERIODS)


@property_test
@given(start=starts, later_by=offsets, limit=limits)
def test_a_later_start_never_gives_an_earlier_deadline(
    start: dt.datetime, later_by: dt.timedelta, limit: tuple[float, int]
) -> None:
    hours, days = limit

    earlier = add_working_time(start, hours=hours, days=days)
    later = add_working_time(start + later_by, hours=hours, days=days)

    assert later >= earlier


@property_test
@given(start=starts, minutes=st.integers(60, 2400), first_share=st.integers(0, 100))
def test_splitting_a_limit_and_continuing_gives_the_same_deadline(
    start: dt.datetime, minutes: int, first_share: int
) -> None:
    # given a limit split into two parts at any point
    first = dt.timedelta(minutes=minutes * first_share // 100)
    second = dt.timedelta(minutes=minutes) - first

    # when the second part is counted from the end of the first
    continued = add_working_time(add_working_time(start, working_time=first), working_time=second)

    # then the deadline is the one of the whole limit
    assert continued == add_working_time(start, working_time=dt.timedelta(minutes=minutes))


@property_test
@given(start=starts, limit=limits, paused_after=offsets, pause=offsets)
def test_a_suspended_clock_resumes_with_the_working_time_left(
    start: dt.datetime, limit: tuple[float, int], paused_after: dt.timedelta, pause: dt.timedelta
) -> None:
    # given a limit whose clock is paused before its deadline
    hours, days = limit
    whole = requested(hours, days)
    deadline = add_working_time(start, hours=hours, days=days)
    paused_at = min(start + paused_after, deadline - dt.timedelta(microseconds=1))
    used = working_time_between(start, paused_at)

    # when it resumes at once, the deadline is unchanged
    assert add_working_time(paused_at, working_time=whole - used) == deadline

    # and when it resumes later, exactly the working time left is counted from then
    resumed_at = paused_at + pause
    new_deadline = add_working_time(resumed_at, working_time=whole - used)
    assert new_deadline >= deadline
    assert used + working_time_between(resumed_at, new_deadline) == whole
