"""The deadlines of a case's steps, from the catalog's time limits on the bureau's working time.

Each step (register, dispatch, handle, verify) has a limit per category and urgency
(``catalog.TimeLimit``); its deadline is counted in working time from the moment the step starts
(``workdays.add_working_time``). ``current_due`` is the deadline of the step the case is in now, or
null when no clock runs (suspended, transferred, finished). Nothing here writes to the database: the
functions return the field changes a workflow step applies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from chengguan.cases.models import Case, CaseState
from chengguan.catalog.models import Category, Step, TimeUnit
from chengguan.catalog.selectors import get_time_limit
from chengguan.workdays.calendar import add_working_time, working_day_length, working_time_between

# The step whose clock runs while a case is in a state (states not listed have no clock).
STEP_OF_STATE: dict[str, str] = {
    CaseState.REPORTED: Step.REGISTER,
    CaseState.REGISTERED: Step.DISPATCH,
    CaseState.RETURNED: Step.DISPATCH,
    CaseState.DISPATCHED: Step.HANDLE,
    CaseState.ACCEPTED: Step.HANDLE,
    CaseState.HANDLED: Step.VERIFY,
}

DUE_FIELD: dict[str, str] = {
    Step.REGISTER: "register_due",
    Step.DISPATCH: "dispatch_due",
    Step.HANDLE: "handle_due",
    Step.VERIFY: "verify_due",
}


def step_of(state: str) -> str | None:
    """The step whose clock runs in ``state``, or None."""
    return STEP_OF_STATE.get(state)


def add_limit(start: dt.datetime, amount: Decimal, unit: str) -> dt.datetime:
    """``start`` plus a limit of ``amount`` working hours or working days (fractions allowed)."""
    amount = Decimal(amount)
    if unit == TimeUnit.WORKING_DAYS:
        whole = int(amount)
        fraction = float(amount - whole)
        return add_working_time(start, days=whole, working_time=working_day_length() * fraction)
    return add_working_time(start, hours=amount)


def due_after(start: dt.datetime, *, category: Category, step: str, urgency: str) -> dt.datetime | None:
    """The deadline of ``step`` started at ``start``; None when the category has no limit for it."""
    limit = get_time_limit(category=category, step=step, urgency=urgency)
    if limit is None:
        return None
    return add_limit(start, limit.amount, limit.unit)


def start_step(
    case: Case | None,
    step: str,
    at: dt.datetime,
    *,
    category: Category | None = None,
    urgency: str | None = None,
) -> dict[str, Any]:
    """The changes that start the clock of ``step`` at ``at`` (its deadline becomes current).

    ``category`` and ``urgency`` default to the case's (``case`` may be None when both are given)."""
    if case is not None:
        category, urgency = category or case.category, urgency or case.urgency
    if category is None or urgency is None:
        raise ValueError("start_step needs a case, or a category and an urgency")
    due = due_after(at, category=category, step=step, urgency=urgency)
    return {DUE_FIELD[step]: due, "current_due": due, "step_started_at": at}


def stop_clock() -> dict[str, Any]:
    """The changes that stop the clock (no step deadline runs)."""
    return {"current_due": None, "step_started_at": None}


def shift(due: dt.datetime | None, by: dt.timedelta) -> dt.datetime | None:
    """``due`` moved later by ``by`` of working time."""
    if due is None:
        return None
    return add_working_time(due, working_time=by)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return working_time_between(start, end).total_seconds() / 3600


def is_closed_on_time(case: Case, closed_at: dt.datetime) -> bool:
    """按期结案: handled by the handling deadline and closed by the verification deadline."""
    if case.handle_due is not None and (case.handled_at is None or case.handled_at > case.handle_due):
        return False
    return not (case.verify_due is not None and closed_at > case.verify_due)
