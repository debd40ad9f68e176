"""The seizure part of the supervision job (``chengguan tick``): warn before a term runs out, and
release a seizure whose term lapsed without a decision (Compulsion Law art. 28).

``run_tick(now)`` looks at every seizure in force and its term (``terms.term_end``):

* from ``SeizurePolicy.warn_days_before`` days before the last day: one ``due_soon`` warning;
* after the last day (and no evaluation running): one ``expired`` warning, and the seizure is
  released (``workflow.expire``), the items due back to the party.

Each warning is unique per seizure, kind and last day, so running the tick again changes nothing, an
extension (a new last day) warns again, and two ticks at once are safe (the loser of the race hits
the unique constraint and skips).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from chengguan.audit.services import record as audit_record
from chengguan.core.clock import to_city
from chengguan.seizures import terms, workflow
from chengguan.seizures.access import get_policy
from chengguan.seizures.models import Seizure, SeizureEvent, SeizureState, SeizureWarning, WarningKind


@dataclass
class SeizureTickReport:
    checked: int = 0
    due_soon: int = 0
    expired: int = 0


def _warn(seizure: Seizure, kind: str, end: dt.date, now: dt.datetime) -> bool:
    if SeizureWarning.objects.filter(seizure=seizure, kind=kind, term_end=end).exists():
        return False
    try:
        with transaction.atomic():
            warning = SeizureWarning.objects.create(seizure=seizure, kind=kind, term_end=end, created_at=now)
            payload = {"kind": kind, "term_end": end.isoformat(), "warning": warning.pk}
            SeizureEvent.objects.create(
                seizure=seizure,
                action=f"warn_{kind}",
                actor=None,
                at=now,
                from_state=seizure.state,
                to_state=seizure.state,
                payload=payload,
            )
            audit_record(
                "seizures.warning", actor=None, target=seizure, payload={"number": seizure.number, **payload}
            )
    except IntegrityError:
        return False
    return True


def run_tick(now: dt.datetime | None = None) -> SeizureTickReport:
    now = now or timezone.now()
    today = to_city(now).date()
    warn_days = get_policy().warn_days_before
    report = SeizureTickReport()
    seizures = (
        Seizure.objects.filter(state=SeizureState.IN_FORCE).prefetch_related("evaluations").order_by("pk")
    )
    for seizure in seizures.iterator(chunk_size=500):
        report.checked += 1
        status = terms.term_status(seizure, today, warn_days)
        end = status["term_end"]
        if status["status"] == terms.DUE_SOON:
            report.due_soon += _warn(seizure, WarningKind.DUE_SOON, end, now)
        elif status["status"] == terms.OVERDUE:
            with transaction.atomic():
                released = workflow.expire(seizure, now=now)
                if released is not None:
                    _warn(released, WarningKind.EXPIRED, end, now)
                    report.expired += 1
    return report
