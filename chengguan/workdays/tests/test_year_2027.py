"""Scenario 6: a case in late December runs into a year nobody has entered the holidays of yet."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.workdays.calendar import add_working_time, is_working_day, uncovered_years, year_coverage
from chengguan.workdays.models import CoveredYear, DayOverride
from chengguan.workdays.tests.moments import at

pytestmark = pytest.mark.django_db


def test_a_five_day_limit_from_29_december_2026_counts_weekdays_in_2027_and_reports_the_year() -> None:
    # given a case registered on Tuesday 29 December 2026 with 5 working days
    start = at(2026, 12, 29, 10)

    # when the deadline is computed with no holiday table for 2027
    deadline = add_working_time(start, days=5)

    # then 30 and 31 Dec, Friday 1 Jan, Monday 4 Jan and Tuesday 5 Jan 2027 count (Mon–Fri fallback)
    assert deadline == at(2027, 1, 5, 10)
    assert uncovered_years(start, deadline) == [2027]


def test_the_bureaus_table_for_2027_moves_the_deadline_and_clears_the_warning() -> None:
    # given a deadline computed before the 2027 holidays were entered
    start = at(2026, 12, 29, 10)
    assert add_working_time(start, days=5) == at(2027, 1, 5, 10)

    # when the bureau enters New Year's Day 2027 (1–3 January) and declares 2027 complete
    for day in (1, 2, 3):
        DayOverride.objects.create(date=dt.date(2027, 1, day), is_working_day=False, name="元旦")
    CoveredYear.objects.create(year=2027, source="国务院办公厅通知")

    # then Friday 1 January no longer counts and 2027 is no longer uncovered
    deadline = add_working_time(start, days=5)
    assert deadline == at(2027, 1, 6, 10)
    assert uncovered_years(start, deadline) == []
    assert year_coverage(2027) == "bureau"


def test_an_override_wins_over_chinese_calendar() -> None:
    # given chinese-calendar says Monday 8 June 2026 is a working day
    assert is_working_day(dt.date(2026, 6, 8))

    # when the bureau declares it a holiday (e.g. a local 调休), and a Sunday a working day
    DayOverride.objects.create(date=dt.date(2026, 6, 8), is_working_day=False, name="local")
    DayOverride.objects.create(date=dt.date(2026, 6, 7), is_working_day=True, name="local")

    # then its table decides
    assert not is_working_day(dt.date(2026, 6, 8))
    assert is_working_day(dt.date(2026, 6, 7))


def test_deleting_an_override_takes_effect_at_once() -> None:
    override = DayOverride.objects.create(date=dt.date(2026, 6, 8), is_working_day=False)
    assert not is_working_day(dt.date(2026, 6, 8))

    override.delete()

    assert is_working_day(dt.date(2026, 6, 8))


@pytest.mark.parametrize(
    ("year", "coverage"),
    [
        (1900, "fallback"),
        (2003, "fallback"),
        (2004, "library"),
        (2026, "library"),
        (2027, "fallback"),
        (2200, "fallback"),
    ],
)
def test_year_coverage_names_the_source_of_each_year(year: int, coverage: str) -> None:
    assert year_coverage(year) == coverage


def test_no_year_from_1900_to_2200_crashes_the_calendar() -> None:
    for year in range(1900, 2201):
        is_working_day(dt.date(year, 1, 1))
        year_coverage(year)
    deadline = add_working_time(at(2200, 12, 30, 10), days=3)
    assert deadline.year == 2201


def test_uncovered_years_lists_every_fallback_year_of_the_span_in_order() -> None:
    assert uncovered_years(at(2002, 6, 1), at(2005, 6, 1)) == [2002, 2003]
    assert uncovered_years(at(2029, 6, 1), at(2025, 6, 1)) == [2027, 2028, 2029]
