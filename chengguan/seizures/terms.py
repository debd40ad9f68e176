"""The term of a seizure (Administrative Compulsion Law art. 25), computed, never stored.

* The term is counted in natural days; the day of the decision is not counted.
* One extension of at most 30 days (approved by the head of the bureau) is added.
* The days of testing, inspection, quarantine or technical appraisal are not counted: each recorded
  period adds its days (first and last day included); a period still running counts up to ``today``,
  so a term cannot lapse while an evaluation is under way.
* A term whose last day is not a working day ends on the next working day (the general rule of
  procedure law for periods, applied through ``workdays.calendar.first_working_day_from``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chengguan.workdays.calendar import first_working_day_from

ON_TIME = "on_time"
DUE_SOON = "due_soon"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Period:
    started_on: dt.date
    ended_on: dt.date | None


def period_days(period: Period, today: dt.date) -> int:
    """The days of one evaluation period (both ends included); an open period runs to ``today``."""
    end = period.ended_on or today
    if end < period.started_on:
        return 0
    return (end - period.started_on).days + 1


def excluded_days(periods: Iterable[Period], today: dt.date) -> int:
    return sum(period_days(p, today) for p in periods)


def term_end_for(
    start: dt.date, term_days: int, extension_days: int, periods: Iterable[Period], today: dt.date
) -> dt.date:
    """The last day of the term: ``start`` plus the term, the extension and the excluded days."""
    raw = start + dt.timedelta(days=term_days + extension_days + excluded_days(periods, today))
    return first_working_day_from(raw)


def periods_of(seizure: Any) -> list[Period]:
    return [Period(e.started_on, e.ended_on) for e in seizure.evaluations.all()]


def term_end(seizure: Any, today: dt.date) -> dt.date:
    return term_end_for(
        seizure.start_date, seizure.term_days, seizure.extension_days, periods_of(seizure), today
    )


def term_status(seizure: Any, today: dt.date, warn_days: int) -> dict[str, Any]:
    """The term of an open seizure as a user sees it: last day, days left and on time / due soon / overdue."""
    periods = periods_of(seizure)
    end = term_end_for(seizure.start_date, seizure.term_days, seizure.extension_days, periods, today)
    left = (end - today).days
    evaluating = any(p.ended_on is None for p in periods)
    if left < 0 and not evaluating:
        status = OVERDUE
    elif left <= warn_days and not evaluating:
        status = DUE_SOON
    else:
        status = ON_TIME
    return {
        "term_end": end,
        "days_left": left,
        "status": status,
        "excluded_days": excluded_days(periods, today),
        "evaluating": evaluating,
    }
