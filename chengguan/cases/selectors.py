"""Reading cases: statuses computed from the clock, merged reports, the visible cases."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from chengguan.cases.access import access_case, get_cases_visible_to
from chengguan.cases.duplicates import find_duplicates, get_policy
from chengguan.cases.models import OPEN_STATES, Case, CaseEvent
from chengguan.core.clock import city_zone
from chengguan.workdays.calendar import due_soon_at, uncovered_years

__all__ = [
    "access_case",
    "calendar_warning",
    "deadline_status",
    "find_duplicates",
    "get_cases_visible_to",
    "get_merged_reports",
    "get_policy",
    "get_public_events",
    "open_deadline_years",
]

ON_TIME = "on_time"
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def deadline_status(case: Case, now: dt.datetime | None = None) -> str | None:
    """``"on_time"``, ``"due_soon"`` or ``"overdue"``; None when no clock runs. Computed, never stored.

    "Due soon" is the working-day calendar's rule (``workdays.calendar.due_soon_at``: the last share
    of the step's working time, or a number of working hours, as the bureau set in its work
    schedule); it reads the per-process calendar cache, so lists run no query per case.
    """
    due = case.current_due
    if due is None:
        return None
    now = now or timezone.now()
    if now >= due:
        return OVERDUE
    start = case.step_started_at
    if start is None or start >= due:
        return ON_TIME
    if now >= due_soon_at(start, due):
        return DUE_SOON
    return ON_TIME


def open_deadline_years() -> list[int]:
    """Years in which the running deadline of an open case falls (for the holiday-table warning)."""
    moments = (
        Case.objects.filter(state__in=OPEN_STATES, current_due__isnull=False)
        .datetimes("current_due", "year", tzinfo=city_zone())
        .order_by()
    )
    return sorted({m.year for m in moments})


def calendar_warning(case: Case) -> list[int]:
    """Years between the step's start and its deadline without a holiday table (counted Monday to
    Friday), e.g. ``[2027]``: the deadline may move once the bureau enters that year's holidays."""
    if case.current_due is None:
        return []
    start = case.step_started_at or case.reported_at
    return uncovered_years(start, case.current_due)


def get_merged_reports(case: Case) -> QuerySet[Case]:
    """The reports merged into ``case``, oldest first."""
    return Case.objects.filter(merged_into=case).order_by("reported_at", "pk")


def get_public_events(case: Case) -> QuerySet[CaseEvent]:
    """The steps of ``case`` shown to the public (the citizen's timeline)."""
    return case.events.filter(public=True).order_by("at", "pk")
