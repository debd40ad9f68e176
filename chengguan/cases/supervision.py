"""督办 and 监督警示: the periodic supervision job (``chengguan tick``).

``run_tick`` does three things, each idempotent (running it again changes nothing) and safe when two
ticks run at once (a unique constraint per row, a conditional update of the case, and each row in its
own savepoint so a lost race is skipped, not an error):

1. **overdue** — a case whose current deadline has passed is marked once per step
   (``Supervision`` kind overdue, ``Case.overdue_marked_at``), with a notice to whoever must act;
2. **escalation** — a case overdue in the hands of a unit goes one unit up the hierarchy each time
   its overdue working hours pass a threshold of ``SupervisionPolicy.escalate_after_hours``
   (one ``Supervision`` row per step and level, ``Case.escalation_level``, a notice to that unit);
3. **warning** — a unit with at least ``warning_overdue_count`` overdue cases in the last
   ``warning_period_days`` days gets a ``SupervisionWarning``, once per period.

On PostgreSQL a session advisory lock makes sure only one tick runs; the other returns at once
(``TickReport.skipped``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.cases.deadlines import STEP_OF_STATE, step_of, working_hours_between
from chengguan.cases.duplicates import get_policy
from chengguan.cases.events import notify, record_event
from chengguan.cases.models import (
    Case,
    CaseState,
    Supervision,
    SupervisionKind,
    SupervisionPolicy,
    SupervisionWarning,
)
from chengguan.catalog.models import Step
from chengguan.core.clock import to_city
from chengguan.org.models import Unit

# Arbitrary constant naming chengguan's tick among PostgreSQL advisory locks ("cgtk").
ADVISORY_LOCK_KEY = 0x6367746B
# States in which a unit holds the case: overdue there escalates up the unit hierarchy.
ESCALATING_STATES = frozenset({CaseState.DISPATCHED, CaseState.ACCEPTED})


@dataclass
class TickReport:
    marked_overdue: int = 0
    escalated: int = 0
    warnings: int = 0
    skipped: bool = False


class _Lost(Exception):
    """The case moved on between reading and writing; skip it (rolls its savepoint back)."""


@contextmanager
def single_runner() -> Iterator[bool]:
    """True if this process may run the tick (always on SQLite; on PostgreSQL, if it got the lock)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


def run_tick(now: dt.datetime | None = None) -> TickReport:
    """Run the three supervision passes at ``now`` (default: the clock)."""
    now = now or timezone.now()
    with single_runner() as acquired:
        if not acquired:
            return TickReport(skipped=True)
        policy = get_policy()
        return TickReport(
            marked_overdue=mark_overdue(now),
            escalated=escalate(now, policy),
            warnings=warn_failing_units(now, policy),
        )


def _responsible(case: Case, step: str) -> dict[str, Any]:
    """Who an overdue notice of ``step`` goes to."""
    if step == Step.HANDLE and case.assigned_unit_id is not None:
        return {"unit": Unit(pk=case.assigned_unit_id)}
    if step == Step.VERIFY and case.verifier_id is not None:
        return {"user": case.verifier}
    return {}


def mark_overdue(now: dt.datetime) -> int:
    """Mark every case whose current deadline passed, once per step; the number newly marked."""
    marked = 0
    overdue = Case.objects.filter(state__in=list(STEP_OF_STATE), current_due__lt=now).select_related(
        "verifier"
    )
    for case in overdue.iterator():
        step = step_of(case.state)
        assert step is not None
        if Supervision.objects.filter(case=case, kind=SupervisionKind.OVERDUE, step=step, level=0).exists():
            continue
        try:
            with transaction.atomic():
                still = Case.objects.filter(pk=case.pk, state=case.state, current_due=case.current_due)
                if not still.update(overdue_marked_at=now):
                    raise _Lost
                supervision = Supervision.objects.create(
                    case=case,
                    kind=SupervisionKind.OVERDUE,
                    step=step,
                    level=0,
                    unit_id=case.assigned_unit_id if step == Step.HANDLE else None,
                    at=now,
                )
                payload = {"step": step, "due": case.current_due.isoformat(), "supervision": supervision.pk}
                record_event(
                    case,
                    "overdue",
                    actor=None,
                    from_state=case.state,
                    to_state=case.state,
                    payload=payload,
                    at=now,
                )
                notify(
                    case,
                    "overdue",
                    _("Case %(number)s is overdue (due %(due)s).")
                    % {"number": case.number, "due": to_city(case.current_due).strftime("%Y-%m-%d %H:%M")},
                    at=now,
                    **_responsible(case, step),
                )
                audit_record(
                    "case.overdue", actor=None, target=case, payload={"number": case.number, **payload}
                )
        except (IntegrityError, _Lost):
            continue
        marked += 1
    return marked


def _thresholds(policy: SupervisionPolicy) -> list[float]:
    values = []
    for value in policy.escalate_after_hours or []:
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if number >= 0:
            values.append(number)
    return sorted(values)


def escalate(now: dt.datetime, policy: SupervisionPolicy) -> int:
    """Send overdue cases up the unit hierarchy at the policy's thresholds; the rows written."""
    thresholds = _thresholds(policy)
    if not thresholds:
        return 0
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    escalated = 0
    cases = Case.objects.filter(
        state__in=list(ESCALATING_STATES), current_due__lt=now, assigned_unit__isnull=False
    ).order_by("pk")
    for case in cases.iterator():
        step = step_of(case.state)
        assert step is not None and case.current_due is not None
        hours = working_hours_between(case.current_due, now)
        reached = sum(1 for threshold in thresholds if hours >= threshold)
        unit_id: int | None = case.assigned_unit_id
        for level in range(1, reached + 1):
            unit_id = parents.get(unit_id) if unit_id is not None else None
            if unit_id is None:
                break  # the top of the hierarchy
            if Supervision.objects.filter(
                case=case, kind=SupervisionKind.ESCALATION, step=step, level=level
            ).exists():
                continue
            try:
                with transaction.atomic():
                    if not Case.objects.filter(
                        pk=case.pk, state=case.state, current_due=case.current_due
                    ).exists():
                        raise _Lost
                    supervision = Supervision.objects.create(
                        case=case,
                        kind=SupervisionKind.ESCALATION,
                        step=step,
                        level=level,
                        unit_id=unit_id,
                        at=now,
                    )
                    Case.objects.filter(pk=case.pk, escalation_level__lt=level).update(escalation_level=level)
                    payload = {
                        "step": step,
                        "level": level,
                        "unit": unit_id,
                        "overdue_working_hours": round(hours, 2),
                        "supervision": supervision.pk,
                    }
                    record_event(
                        case,
                        "escalated",
                        actor=None,
                        from_state=case.state,
                        to_state=case.state,
                        payload=payload,
                        at=now,
                    )
                    notify(
                        case,
                        "escalated",
                        _(
                            "Case %(number)s is %(hours)s working hours overdue and escalated to you (level %(level)s)."
                        )
                        % {"number": case.number, "hours": round(hours, 1), "level": level},
                        unit=Unit(pk=unit_id),
                        at=now,
                    )
                    audit_record(
                        "case.escalate", actor=None, target=case, payload={"number": case.number, **payload}
                    )
            except (IntegrityError, _Lost):
                continue
            escalated += 1
    return escalated


def warn_failing_units(now: dt.datetime, policy: SupervisionPolicy) -> int:
    """Warn each unit with too many overdue cases in the period, at most once per period."""
    days = int(policy.warning_period_days)
    threshold = int(policy.warning_overdue_count)
    if days <= 0 or threshold <= 0:
        return 0
    since = now - dt.timedelta(days=days)
    today = to_city(now).date()
    period_start = today - dt.timedelta(days=days - 1)
    counts = (
        Supervision.objects.filter(kind=SupervisionKind.OVERDUE, at__gte=since, unit__isnull=False)
        .values("unit")
        .annotate(n=Count("case", distinct=True))
        .filter(n__gte=threshold)
        .order_by("unit")
    )
    issued = 0
    for row in counts:
        if SupervisionWarning.objects.filter(unit_id=row["unit"], at__gt=since).exists():
            continue
        try:
            with transaction.atomic():
                warning = SupervisionWarning.objects.create(
                    unit_id=row["unit"],
                    period_start=period_start,
                    period_end=today,
                    overdue_count=row["n"],
                    at=now,
                    note=_("%(n)s cases overdue in %(days)s days.") % {"n": row["n"], "days": days},
                )
                audit_record(
                    "case.supervision_warning",
                    actor=None,
                    target=warning,
                    payload={
                        "unit": row["unit"],
                        "overdue_count": row["n"],
                        "period_start": period_start.isoformat(),
                        "period_end": today.isoformat(),
                    },
                )
        except IntegrityError:
            continue
        issued += 1
    return issued
