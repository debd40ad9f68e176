"""Working days and working time (工作日 / 工作时): every time limit in chengguan is computed here.

All arithmetic happens in the city's zone (``settings.CITY_TIME_ZONE``, through
``chengguan.core.clock.city_zone()``), never in the server's local time. Datetimes must be aware.

Which days are working days
    1. A row of the bureau's own holiday table (``DayOverride``: 法定节假日 and 调休) decides.
    2. Otherwise the chinese-calendar library decides (version 1.11 knows 2004–2026).
    3. Otherwise Monday to Friday are working days. Such a year is *uncovered*:
       ``uncovered_years()`` lists them so that a case can warn "deadline computed without a holiday
       table for 2027". A year the bureau declares complete (``CoveredYear``) counts as covered.

Working time
    Working time runs only inside the working periods of ``WorkSchedule`` (default 08:30–12:00 and
    13:30–17:30, i.e. 7.5 hours a day) on working days.

The deadline rule (``add_working_time``)
    - A limit of N working hours is N hours of working time. A limit of N working days is N full
      working days of working time (N × 7.5 hours by default). Both kinds are counted the same way,
      and a limit may combine them.
    - Counting starts at ``start`` when it lies inside a working period; otherwise it starts at the
      beginning of the next working period.
    - The deadline is the moment at which the requested working time has elapsed. A deadline that
      falls exactly on the end of a period *is* that end (17:30), not the start of the next period.
    - Examples: Monday 10:00 + 1 working day = Tuesday 10:00. Friday 16:00 + 1 working day = Monday
      16:00 (when Monday is a working day). Monday 11:30 + 2 working hours = Monday 15:00 (the lunch
      break does not count). Sunday 09:00 + 1 working day = Monday 17:30. Monday 13:30 + 1 working
      day = Tuesday 12:00 (the same working moment as Tuesday 13:30).
    - Suspension (中止 / 挂账): the working time already used is ``working_time_between(start,
      paused_at)``; on resuming, the deadline is ``add_working_time(resumed_at, working_time=limit -
      used)``. Without a pause this gives the original deadline again.

Legal time limits (``add_legal_days``, ``add_months``)
    The procedure laws count whole days: the start day is not counted (Administrative Penalty Law
    art. 85 and Compulsion Law art. 69 make short limits count working days); a natural-day period
    whose last day is not a working day ends on the next working day; a period in months ends on the
    same-numbered day, or on the last day of a shorter month.

The tables are cached per process. A change made in this process clears the cache at once (signals);
other processes notice a change within ``WORKDAYS_VERSION_TTL_S`` seconds (default 2), by comparing a
stamp of the tables (row counts and latest ``updated_at``).
"""

from __future__ import annotations

import datetime as dt
import time as _time
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengguan.core.clock import city_zone
from chengguan.core.errors import InvalidInput
from chengguan.workdays.models import (
    DEFAULT_DUE_SOON_FRACTION,
    DEFAULT_PERIODS,
    CoveredYear,
    DayOverride,
    WorkSchedule,
)

Coverage = Literal["bureau", "library", "fallback"]

ZERO = dt.timedelta(0)
_ONE_DAY = dt.timedelta(days=1)
_UTC = dt.UTC
# More consecutive non-working days than this: the holiday table must be wrong; refuse to loop on.
_MAX_RUN_OF_DAYS_OFF = 3660
_DEFAULT_TTL_S = 2.0

Period = tuple[dt.datetime, dt.datetime]


# --- the library and the fallback ------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _library_says(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None for a year it does not know (it raises NotImplementedError)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@lru_cache(maxsize=1024)
def _library_knows(year: int) -> bool:
    try:
        return _library_says(dt.date(year, 1, 1)) is not None
    except (ValueError, OverflowError):  # outside the years a date can hold
        return False


def _default_is_working_day(day: dt.date) -> bool:
    said = _library_says(day)
    if said is not None:
        return said
    return day.weekday() < 5


# --- the per-process snapshot of the bureau's tables ------------------------------------------


@dataclass
class _Calendar:
    stamp: tuple[object, ...]
    zone: ZoneInfo
    overrides: dict[dt.date, bool]
    covered_years: frozenset[int]
    periods: tuple[tuple[dt.time, dt.time], ...]
    due_soon_fraction: Decimal
    due_soon_hours: Decimal | None
    day_length: dt.timedelta = ZERO
    _periods_by_day: dict[dt.date, tuple[Period, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.day_length = sum(
            (
                dt.datetime.combine(dt.date.min, e) - dt.datetime.combine(dt.date.min, s)
                for s, e in self.periods
            ),
            ZERO,
        )

    def is_working_day(self, day: dt.date) -> bool:
        said = self.overrides.get(day)
        if said is not None:
            return said
        return _default_is_working_day(day)

    def periods_of(self, day: dt.date) -> tuple[Period, ...]:
        """The working periods of ``day`` as UTC instants (none on a day off)."""
        found = self._periods_by_day.get(day)
        if found is None:
            if self.is_working_day(day):
                zone = self.zone
                found = tuple(
                    (
                        dt.datetime.combine(day, s, tzinfo=zone).astimezone(_UTC),
                        dt.datetime.combine(day, e, tzinfo=zone).astimezone(_UTC),
                    )
                    for s, e in self.periods
                )
            else:
                found = ()
            self._periods_by_day[day] = found
        return found


_cached: _Calendar | None = None
_checked_at = 0.0


def clear_calendar_cache() -> None:
    """Forget this process's copy of the holiday table and working hours (reloaded on next use)."""
    global _cached
    _cached = None


def _stamp() -> tuple[object, ...]:
    days = DayOverride.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    years = CoveredYear.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    schedule = WorkSchedule.objects.filter(pk=1).values_list("updated_at", flat=True).first()
    return (days["n"], days["last"], days["top"], years["n"], years["last"], years["top"], schedule)


def _load(stamp: tuple[object, ...], zone: ZoneInfo) -> _Calendar:
    schedule = WorkSchedule.objects.filter(pk=1).first()
    if schedule is None:
        periods, fraction, hours = DEFAULT_PERIODS, DEFAULT_DUE_SOON_FRACTION, None
    else:
        periods, fraction, hours = schedule.periods(), schedule.due_soon_fraction, schedule.due_soon_hours
    return _Calendar(
        stamp=stamp,
        zone=zone,
        overrides=dict(DayOverride.objects.values_list("date", "is_working_day")),
        covered_years=frozenset(CoveredYear.objects.values_list("year", flat=True)),
        periods=periods,
        due_soon_fraction=fraction,
        due_soon_hours=hours,
    )


def _calendar() -> _Calendar:
    global _cached, _checked_at
    cal = _cached
    zone = city_zone()
    now = _time.monotonic()
    ttl = getattr(settings, "WORKDAYS_VERSION_TTL_S", _DEFAULT_TTL_S)
    if cal is not None and cal.zone is zone and now - _checked_at < ttl:
        return cal
    stamp = _stamp()
    if cal is None or cal.zone is not zone or cal.stamp != stamp:
        cal = _load(stamp, zone)
        _cached = cal
    _checked_at = now
    return cal


def _require_aware(name: str, moment: dt.datetime) -> None:
    if timezone.is_naive(moment):
        raise InvalidInput(_("%(name)s must be an aware date and time.") % {"name": name}, field=name)


def _days_off_guard(run: int) -> int:
    if run > _MAX_RUN_OF_DAYS_OFF:
        raise InvalidInput(_("The holiday table leaves no working day for ten years; check it."))
    return run


# --- working days -----------------------------------------------------------------------------


def is_working_day(d: dt.date) -> bool:
    """Is ``d`` a working day: the bureau's holiday table, else chinese-calendar, else Monday–Friday."""
    return _calendar().is_working_day(d)


def first_working_day_from(d: dt.date) -> dt.date:
    """``d`` itself if it is a working day, else the next working day."""
    cal = _calendar()
    run = 0
    while not cal.is_working_day(d):
        d += _ONE_DAY
        run = _days_off_guard(run + 1)
    return d


def year_coverage(year: int) -> Coverage:
    """Where the working days of ``year`` come from: the bureau's table, the library, or Mon–Fri."""
    if year in _calendar().covered_years:
        return "bureau"
    if _library_knows(year):
        return "library"
    return "fallback"


def uncovered_years(start: dt.datetime, end: dt.datetime) -> list[int]:
    """The years between ``start`` and ``end`` (in the city's zone) that fall back to Monday–Friday."""
    _require_aware("start", start)
    _require_aware("end", end)
    zone = city_zone()
    first, last = sorted((start.astimezone(zone).year, end.astimezone(zone).year))
    return [year for year in range(first, last + 1) if year_coverage(year) == "fallback"]


# --- working time -----------------------------------------------------------------------------


def working_day_length() -> dt.timedelta:
    """The working time of one full working day (7.5 hours with the default schedule)."""
    return _calendar().day_length


def add_working_time(
    start: dt.datetime,
    *,
    hours: float | Decimal = 0,
    days: int = 0,
    working_time: dt.timedelta = ZERO,
) -> dt.datetime:
    """The deadline of a limit of ``hours`` working hours plus ``days`` working days (plus an exact
    ``working_time``) counted from ``start``; see the module docstring for the rule.

    The result is aware, in the city's zone.
    """
    _require_aware("start", start)
    if hours < 0 or days < 0 or working_time < ZERO:
        raise InvalidInput(_("A time limit cannot be negative."))
    cal = _calendar()
    need = working_time + dt.timedelta(hours=float(hours)) + days * cal.day_length
    if not need:
        return start.astimezone(cal.zone)
    if not cal.day_length:
        raise InvalidInput(_("The working hours are empty; no time limit can be counted."))
    current = start.astimezone(_UTC)
    day = current.astimezone(cal.zone).date()
    run = 0
    while True:
        periods = cal.periods_of(day)
        for period_start, period_end in periods:
            if period_end <= current:
                continue
            begin = period_start if period_start > current else current
            available = period_end - begin
            if need <= available:
                return (begin + need).astimezone(cal.zone)
            need -= available
        run = 0 if periods else _days_off_guard(run + 1)
        day += _ONE_DAY


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The working time elapsed from ``start`` to ``end`` (zero if ``end`` is not after ``start``)."""
    _require_aware("start", start)
    _require_aware("end", end)
    if end <= start:
        return ZERO
    cal = _calendar()
    begin, finish = start.astimezone(_UTC), end.astimezone(_UTC)
    day = begin.astimezone(cal.zone).date()
    last = finish.astimezone(cal.zone).date()
    total = ZERO
    while day <= last:
        for period_start, period_end in cal.periods_of(day):
            low = period_start if period_start > begin else begin
            high = period_end if period_end < finish else finish
            if high > low:
                total += high - low
        day += _ONE_DAY
    return total


def due_soon_at(start: dt.datetime, deadline: dt.datetime) -> dt.datetime:
    """The moment from which a limit running from ``start`` to ``deadline`` is "due soon".

    That is when only the schedule's threshold of working time is left: a share of the limit
    (default the last 20%) or, if the bureau set it, a number of working hours.
    """
    cal = _calendar()
    limit = working_time_between(start, deadline)
    if cal.due_soon_hours is not None:
        threshold = dt.timedelta(hours=float(cal.due_soon_hours))
    else:
        threshold = limit * float(cal.due_soon_fraction)
    return add_working_time(start, working_time=limit - min(threshold, limit))


# --- legal time limits (whole days) ------------------------------------------------------------


def add_legal_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    """The last day of a legal time limit of ``days`` days from the event on ``start``.

    The start day is not counted. ``working=True`` counts working days (Administrative Penalty Law
    art. 85, Compulsion Law art. 69); ``working=False`` counts natural days, and a period whose last
    day is not a working day ends on the next working day. Zero days gives ``start``.
    """
    if days < 0:
        raise InvalidInput(_("A time limit cannot be negative."), field="days")
    if days == 0:
        return start
    if not working:
        return first_working_day_from(start + dt.timedelta(days=days))
    cal = _calendar()
    day, left, run = start, days, 0
    while left:
        day += _ONE_DAY
        if cal.is_working_day(day):
            left -= 1
            run = 0
        else:
            run = _days_off_guard(run + 1)
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """The same-numbered day ``months`` months after ``start``, or the last day of a shorter month.

    This is the bare calendar rule; apply ``first_working_day_from`` when the period must not end
    on a holiday.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, monthrange(year, month)[1]))
