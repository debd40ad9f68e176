"""Property tests of the legal day-counting and of the late surcharge (rules, called directly)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengguan.penalty.limits import DEFAULT_LIMITS, Limit, LimitSpec, LimitUnit, end_of
from chengguan.penalty.rules import late_surcharge
from chengguan.workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db

starts = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 10, 31))
days = st.integers(min_value=1, max_value=40)


@settings(max_examples=150, deadline=None)
@given(start=starts, n=days)
def test_working_day_limits_count_exactly_n_working_days_after_the_start(start: dt.date, n: int) -> None:
    end = end_of(LimitSpec(n, LimitUnit.DAYS, True), start)
    counted = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d) for d in counted) == n  # the start day is not counted
    assert is_working_day(end)  # the last day is a working day


@settings(max_examples=150, deadline=None)
@given(start=starts, n=days)
def test_natural_day_limits_end_on_the_nth_day_or_the_next_working_day(start: dt.date, n: int) -> None:
    end = end_of(LimitSpec(n, LimitUnit.DAYS, False), start)
    nominal = start + dt.timedelta(days=n)
    assert end >= nominal
    assert is_working_day(end)
    assert all(not is_working_day(nominal + dt.timedelta(days=i)) for i in range((end - nominal).days))


@settings(max_examples=100, deadline=None)
@given(start=starts, months=st.integers(min_value=1, max_value=24))
def test_month_limits_end_on_the_same_day_number_or_the_month_end(start: dt.date, months: int) -> None:
    end = end_of(LimitSpec(months, LimitUnit.MONTHS, False, moves_off_holidays=False), start)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end + dt.timedelta(days=1)).day == 1


def test_the_law_says_which_limits_count_working_days() -> None:
    working = {code for code, spec in DEFAULT_LIMITS.items() if spec.unit == LimitUnit.DAYS and spec.working}
    assert working == {
        Limit.STATEMENT,
        Limit.HEARING_REQUEST,
        Limit.HEARING_NOTICE,
        Limit.SERVICE,
        Limit.SUMMARY_FILING,
        Limit.DEMAND_PERFORMANCE,
        Limit.COURT_WAIT,
    }
    assert not DEFAULT_LIMITS[Limit.PAYMENT].working and not DEFAULT_LIMITS[Limit.DECISION].working


def test_a_period_ending_in_the_national_day_holiday_moves_to_the_next_working_day() -> None:
    # 15 days from 16 September 2026 would end on 1 October (holiday until 7 October)
    assert end_of(DEFAULT_LIMITS[Limit.PAYMENT], dt.date(2026, 9, 16)) == dt.date(2026, 10, 8)
    # 5 working days from Monday 28 September: 29, 30 September, 8, 9, 10 (an adjusted Saturday) October
    assert end_of(DEFAULT_LIMITS[Limit.STATEMENT], dt.date(2026, 9, 28)) == dt.date(2026, 10, 10)


fines = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)


@settings(max_examples=300)
@given(fine=fines, late=st.integers(min_value=-30, max_value=400))
def test_the_surcharge_is_3_percent_a_day_and_never_more_than_the_fine(fine: Decimal, late: int) -> None:
    due = dt.date(2026, 11, 2)
    surcharge = late_surcharge(fine, due, due + dt.timedelta(days=late), Decimal("0.03"))
    assert Decimal(0) <= surcharge <= fine
    if late <= 0:
        assert surcharge == 0
    elif fine * Decimal("0.03") * late < fine:
        assert abs(surcharge - fine * Decimal("0.03") * late) <= Decimal("0.005")
    else:
        assert surcharge == fine


@settings(max_examples=200)
@given(fine=fines, a=st.integers(min_value=0, max_value=200), b=st.integers(min_value=0, max_value=200))
def test_the_surcharge_never_shrinks_as_days_pass(fine: Decimal, a: int, b: int) -> None:
    due = dt.date(2026, 11, 2)
    early, late = sorted((a, b))
    rate = Decimal("0.03")
    assert late_surcharge(fine, due, due + dt.timedelta(days=early), rate) <= late_surcharge(
        fine, due, due + dt.timedelta(days=late), rate
    )


@pytest.mark.parametrize(
    ("kind", "penalty", "fine", "expected"),
    [
        ("person", "fine", "4999.99", False),
        ("person", "fine", "5000", True),
        ("individual_business", "fine", "5000", True),
        ("company", "fine", "99999", False),
        ("company", "fine", "100000", True),
        ("person", "licence", "0", True),
        ("company", "business", "0", True),
    ],
)
def test_the_hearing_right_follows_the_configured_thresholds(
    kind: str, penalty: str, fine: str, expected: bool
) -> None:
    from chengguan.penalty.rules import Thresholds, has_hearing_right

    assert has_hearing_right(Thresholds(), kind, penalty, Decimal(fine)) is expected
    # a bureau with Beijing's thresholds: a citizen fined 4,000 yuan may ask for a hearing
    assert has_hearing_right(
        Thresholds(hearing_person_fine=Decimal("3000.01")), "person", "fine", Decimal("4000")
    )
