"""The legal dates of one proceeding, each from its event and its limit (``limits.py``).

Nothing here writes; the workflow uses these to refuse late or early steps, ``selectors`` to show
the pending steps, and ``supervision`` to mark the overdue ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from chengguan.penalty.limits import Limit, due, end_of, get_limit


def decision_due(opened_on: dt.date, extension_days: int = 0) -> dt.date:
    """Art. 60: 90 days from opening, plus the approved extensions (natural days)."""
    spec = get_limit(Limit.DECISION)
    return end_of(replace(spec, amount=spec.amount + extension_days), opened_on)


def limitation_end(violation_on: dt.date, *, long: bool) -> dt.date:
    """Art. 36: the last day on which the violation may still be discovered (2 years, or 5)."""
    return due(Limit.LIMITATION_LONG if long else Limit.LIMITATION, violation_on)


def statement_due(notice_served_on: dt.date) -> dt.date:
    return due(Limit.STATEMENT, notice_served_on)


def hearing_request_due(notice_served_on: dt.date) -> dt.date:
    return due(Limit.HEARING_REQUEST, notice_served_on)


def statement_period_end(notice_served_on: dt.date, hearing_right: bool) -> dt.date:
    """The day after which the party's window is over: the statement and (if any) the hearing request."""
    end = statement_due(notice_served_on)
    if hearing_right:
        end = max(end, hearing_request_due(notice_served_on))
    return end


def earliest_hearing(hearing_notice_served_on: dt.date) -> dt.date:
    """Art. 64: the hearing notice reaches the party at least 7 (working) days before the hearing."""
    return due(Limit.HEARING_NOTICE, hearing_notice_served_on)


def service_due(decided_on: dt.date) -> dt.date:
    return due(Limit.SERVICE, decided_on)


def payment_due(served_on: dt.date) -> dt.date:
    return due(Limit.PAYMENT, served_on)


def filing_due(decided_on: dt.date) -> dt.date:
    return due(Limit.SUMMARY_FILING, decided_on)


def remedies_lapse(served_on: dt.date) -> dt.date:
    """The last day on which the party may still seek administrative review or sue."""
    return max(due(Limit.REVIEW_PERIOD, served_on), due(Limit.LITIGATION_PERIOD, served_on))


@dataclass(frozen=True)
class CourtWindow:
    opens: dt.date  # first day an application is allowed
    closes: dt.date  # last day
    demand_wait_end: dt.date | None
    remedies_lapse: dt.date


def court_window(served_on: dt.date, demand_served_on: dt.date | None) -> CourtWindow:
    """Compulsion Law art. 53–54: after the review and litigation periods lapse, and more than 10
    (working) days after the demand notice was served; within 3 months of the lapse."""
    lapse = remedies_lapse(served_on)
    opens = lapse + dt.timedelta(days=1)
    wait_end = None
    if demand_served_on is not None:
        wait_end = due(Limit.COURT_WAIT, demand_served_on)
        opens = max(opens, wait_end + dt.timedelta(days=1))
    closes = due(Limit.COURT_WINDOW, lapse)
    return CourtWindow(opens, closes, wait_end, lapse)


def demand_performance_days() -> int:
    return get_limit(Limit.DEMAND_PERFORMANCE).amount


def as_dict(window: CourtWindow) -> dict[str, Any]:
    return {
        "opens": window.opens,
        "closes": window.closes,
        "demand_wait_end": window.demand_wait_end,
        "remedies_lapse": window.remedies_lapse,
    }
