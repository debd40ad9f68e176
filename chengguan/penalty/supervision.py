"""The penalty part of the supervision job (``chengguan tick``): mark overdue legal steps, once.

``run_tick(now)`` looks at every unfinished proceeding, computes its pending steps
(``selectors.pending_steps``) and, for each step the *bureau* had to take and did not take by its last
day, writes one ``OverdueMark`` (unique per proceeding, step and due date), a ``ProceedingEvent`` and an
audit entry. Running it again changes nothing; two ticks at once are safe (each mark in its own
savepoint: the loser of the race hits the unique constraint and skips). The party's own windows
(statement, payment) are not breaches and are never marked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from chengguan.audit.services import record as audit_record
from chengguan.penalty.models import FINISHED_STATES, OverdueMark, Proceeding, ProceedingEvent
from chengguan.penalty.selectors import BUREAU, OVERDUE, pending_steps


@dataclass
class PenaltyTickReport:
    checked: int = 0
    marked_overdue: int = 0


def run_tick(now: dt.datetime | None = None) -> PenaltyTickReport:
    now = now or timezone.now()
    report = PenaltyTickReport()
    proceedings = Proceeding.objects.exclude(state__in=FINISHED_STATES).order_by("pk")
    for p in proceedings.iterator(chunk_size=500):
        report.checked += 1
        for step in pending_steps(p, now):
            if step.who != BUREAU or step.status != OVERDUE:
                continue
            if OverdueMark.objects.filter(proceeding=p, step=step.step, due=step.due).exists():
                continue
            try:
                with transaction.atomic():
                    mark = OverdueMark.objects.create(
                        proceeding=p, step=step.step, due=step.due, marked_at=now
                    )
                    payload = {"step": step.step, "due": step.due.isoformat(), "mark": mark.pk}
                    ProceedingEvent.objects.create(
                        proceeding=p,
                        action="overdue",
                        actor=None,
                        at=now,
                        from_state=p.state,
                        to_state=p.state,
                        payload=payload,
                    )
                    audit_record(
                        "penalty.overdue", actor=None, target=p, payload={"number": p.number, **payload}
                    )
            except IntegrityError:
                continue  # another tick marked it first
            report.marked_overdue += 1
    return report
