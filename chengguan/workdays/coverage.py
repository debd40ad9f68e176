"""Which years the calendar must know: this year, the next two, and the years of open deadlines.

Apps with deadlines (cases, enforcement) register a source of years with
``register_deadline_years``; the admin warns about every such year that has no holiday table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from chengguan.core.clock import city_today
from chengguan.workdays.calendar import year_coverage

YEARS_AHEAD = 2

_sources: list[Callable[[], Iterable[int]]] = []


def register_deadline_years(source: Callable[[], Iterable[int]]) -> Callable[[], Iterable[int]]:
    """Register a callable returning the years of open deadlines (usable as a decorator)."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister_deadline_years(source: Callable[[], Iterable[int]]) -> None:
    if source in _sources:
        _sources.remove(source)


def get_years_in_use(*, today: dt.date | None = None) -> list[int]:
    """This year, the next ``YEARS_AHEAD`` years and every year a registered source reports."""
    year = (today or city_today()).year
    years = set(range(year, year + YEARS_AHEAD + 1))
    for source in _sources:
        years.update(int(y) for y in source())
    return sorted(years)


def get_years_without_holiday_table(*, today: dt.date | None = None) -> list[int]:
    """The years in use that neither chinese-calendar nor the bureau's covered years know."""
    return [year for year in get_years_in_use(today=today) if year_coverage(year) == "fallback"]
