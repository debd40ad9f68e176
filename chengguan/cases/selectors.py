"""Reading cases: statuses computed from the clock, merged reports, the visible cases."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from chengguan.cases.access import access_case, get_cases_visible_to
from chengguan.cases.duplicates import find_duplicates, get_policy
from chengguan.cases.models import Case, CaseEvent, SupervisionPolicy
from chengguan.workdays.calendar import uncovered_years, working_time_between

__all__ = [
    "access_case",
    "calendar_warning",
    "deadline_status",
    "find_duplicates",
    "get_cases_visible_to",
    "get_merged_reports",
    "get_policy",
    "get_public_events",
]

ON_TIME = "on_time"
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def deadline_status(
    case: Case, now: dt.datetime | None = None, *, policy: SupervisionPolicy | None = None
) -> str | None:
    """``"on_time"``, ``"due_soon"`` (only the policy's share of the step's working time is left) or
    ``"overdue"``; None when no clock runs. Computed, never stored.

    Lists pass ``policy`` (``get_policy()`` once) so that no query runs per case."""
    due = case.current_due
    if due is None:
        return None
    now = now or timezone.now()
    if now >= due:
        return OVERDUE
    start = case.step_started_at
    if start is None or start >= due:
        return ON_TIME
    total = working_time_between(start, due)
    left = working_time_between(now, due)
    if total > dt.timedelta(0) and left <= total * float((policy or get_policy()).due_soon_fraction):
        return DUE_SOON
    return ON_TIME


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
