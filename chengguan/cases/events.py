"""Timeline entries (``CaseEvent``) and outbox notices (``Notification``) of a case.

Both are written inside the transaction of the step they describe; nothing here sends anything.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from chengguan.cases.models import Case, CaseEvent, Notification

# Fields of a case whose old and new values an event records when they change.
TRACKED_FIELDS = (
    "state",
    "urgency",
    "category",
    "suggested_unit",
    "assigned_unit",
    "transferred_to",
    "merged_into",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "verified_at",
    "closed_at",
    "cancelled_at",
    "register_due",
    "dispatch_due",
    "handle_due",
    "verify_due",
    "current_due",
    "suspended_at",
    "suspended_from",
    "rework_count",
    "extension_count",
    "urge_count",
    "escalation_level",
    "overdue_marked_at",
    "closed_on_time",
)


def jsonable(value: Any) -> Any:
    """A value as it goes into a JSON payload (datetimes as ISO 8601, models as their pk)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def field_value(case: Case, name: str) -> Any:
    """The stored value of a tracked field (the id for a foreign key)."""
    field = Case._meta.get_field(name)
    return getattr(case, field.attname)


def snapshot(case: Case, names: Iterable[str] = TRACKED_FIELDS) -> dict[str, Any]:
    return {name: jsonable(field_value(case, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"old": {...}, "new": {...}}`` of the fields whose value changed."""
    changed = [name for name in after if before.get(name) != after[name]]
    return {
        "old": {name: before.get(name) for name in changed},
        "new": {name: after[name] for name in changed},
    }


def record_event(
    case: Case,
    action: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
    public: bool = False,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline (call it inside the step's transaction)."""
    event = new_event(
        case,
        action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload,
        public=public,
        at=at,
    )
    event.save(force_insert=True)
    return event


def new_event(
    case: Case,
    action: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
    public: bool = False,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """An unsaved timeline entry (``record_event`` saves one; intake saves a batch at once)."""
    return CaseEvent(
        case=case,
        action=action,
        actor=actor if getattr(actor, "pk", None) is not None else None,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload or {},
        public=public,
    )


def notify(
    case: Case,
    kind: str,
    message: str,
    *,
    unit: Any = None,
    user: Any = None,
    at: dt.datetime | None = None,
) -> Notification | None:
    """Queue a notice for ``unit`` or ``user`` (outbox row; a worker sends it after commit)."""
    if unit is None and user is None:
        return None
    return Notification.objects.create(
        case=case,
        unit=unit,
        user=user,
        kind=kind,
        message=str(message),
        created_at=at or timezone.now(),
    )
