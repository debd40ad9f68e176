"""Reads of the citizen side: what the public may see of a case, the callback list and its counts.

Everything returned for the public is already masked (``portal.masking``): no reporter, no staff
member, no contact, only the public steps of the timeline and photos a staff member cleared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengguan.cases.access import acting_user, sees_everything
from chengguan.cases.models import Case, CaseEvent, CaseState, Source
from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.org.access import territory_of, territory_q
from chengguan.org.models import Unit
from chengguan.portal.masking import mask_text
from chengguan.portal.models import Callback, PhotoClearance, Rating

# What each public step is called on the citizen's timeline.
PUBLIC_STEP_LABELS: dict[str, Any] = {
    "reported": _("Report received"),
    "registered": _("Registered as a case"),
    "rejected": _("Not registered"),
    "merged": _("Merged with a report of the same problem"),
    "dispatched": _("Sent to the unit responsible"),
    "accepted": _("Being handled"),
    "handled": _("Handled, being checked on site"),
    "closed": _("Solved and closed"),
    "transferred": _("Transferred to the agency responsible"),
    "transfer_receipt": _("Receipt of the transfer"),
    "cancelled": _("Cancelled"),
    "reopened": _("Reopened: handled again"),
}

# Public wording of the case's state (never the internal detail).
PUBLIC_STATE_LABELS: dict[str, Any] = {
    CaseState.REPORTED: _("Received"),
    CaseState.REGISTERED: _("Registered"),
    CaseState.REJECTED: _("Not registered"),
    CaseState.MERGED: _("Merged with another report"),
    CaseState.DISPATCHED: _("Sent to the unit responsible"),
    CaseState.ACCEPTED: _("Being handled"),
    CaseState.RETURNED: _("Being routed again"),
    CaseState.HANDLED: _("Handled, being checked"),
    CaseState.SUSPENDED: _("Waiting (scheduled work)"),
    CaseState.TRANSFERRED: _("Transferred to another agency"),
    CaseState.CLOSED: _("Solved and closed"),
    CaseState.CANCELLED: _("Cancelled"),
}

# Notes shown on the public timeline only for these steps (others show their label alone).
STEPS_WITH_PUBLIC_NOTE = frozenset({"rejected", "handled", "closed", "transferred", "cancelled", "reopened"})


@dataclass(frozen=True)
class PublicStep:
    at: dt.datetime
    action: str
    label: Any
    note: str


def public_state_label(case: Case) -> Any:
    return PUBLIC_STATE_LABELS.get(case.state, case.state)


def get_public_timeline(case: Case) -> list[PublicStep]:
    """The public steps of ``case``: when and what, with masked notes; never who."""
    names = [case.reporter_name]
    steps = []
    for event in case.events.filter(public=True).order_by("at", "pk"):
        label = PUBLIC_STEP_LABELS.get(event.action)
        if label is None:
            continue
        note = mask_text(event.note, names=names) if event.action in STEPS_WITH_PUBLIC_NOTE else ""
        steps.append(PublicStep(event.at, event.action, label, note))
    return steps


def public_description(case: Case) -> str:
    return mask_text(case.description, names=[case.reporter_name])


def get_public_photos(case: Case) -> QuerySet[Evidence]:
    """Photos of ``case`` a staff member cleared for the public."""
    return (
        Evidence.objects.filter(owner_type="cases.case", owner_id=str(case.pk), kind=EvidenceKind.PHOTO)
        .filter(Exists(PhotoClearance.objects.filter(evidence=OuterRef("pk"))))
        .order_by("uploaded_at", "pk")
    )


def get_public_closed_cases() -> QuerySet[Case]:
    """Closed cases for the publication page, newest first (shown masked)."""
    return (
        Case.objects.filter(state=CaseState.CLOSED).select_related("category").order_by("-closed_at", "-pk")
    )


def get_rating(case: Case) -> Rating | None:
    """The rating of the case's latest closure, if any."""
    if case.closed_at is None:
        return None
    return Rating.objects.filter(case=case, closed_at=case.closed_at).first()


# --- satisfaction callbacks (回访) ------------------------------------------------------------------

CALLBACK_SOURCES = (Source.CITIZEN, Source.HOTLINE)


def get_callback_queue(actor: Any, *, window_days: int, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Closed cases the operator ``actor`` should call back: reported by a citizen or on the hotline
    with a phone number, closed in the last ``window_days`` days, in the operator's territory, and
    not yet reached after their latest closure. Oldest closure first."""
    user = acting_user(actor)
    if user is None:
        return Case.objects.none()
    now = now or timezone.now()
    reached = Callback.objects.filter(case=OuterRef("pk"), reached=True, at__gte=OuterRef("closed_at"))
    attempts = (
        Callback.objects.filter(case=OuterRef("pk"), at__gte=OuterRef("closed_at"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Case.objects.filter(
            state=CaseState.CLOSED,
            source__in=CALLBACK_SOURCES,
            closed_at__gte=now - dt.timedelta(days=window_days),
        )
        .exclude(reporter_phone="")
        .exclude(Exists(reached))
        .annotate(attempts=Coalesce(Subquery(attempts, output_field=IntegerField()), 0))
        .select_related("category", "assigned_unit")
        .order_by("closed_at", "pk")
    )
    if not sees_everything(user):
        qs = qs.filter(territory_q(territory_of(user), "grid_code"))
    return qs


def _units_below(unit: Unit | int) -> set[int]:
    root = unit.pk if isinstance(unit, Unit) else int(unit)
    found = {root}
    frontier = {root}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def callback_counts(start: dt.datetime, end: dt.datetime, unit: Unit | int | None = None) -> dict[str, Any]:
    """Counts of the satisfaction callbacks made in ``[start, end)``, for evaluation.

    ``unit`` narrows to cases handled by that unit or a unit below it. Returns:

    * ``callbacks``: calls made; ``cases_called``: distinct cases called;
    * ``reached`` / ``not_reached``: calls that did or did not reach the reporter;
    * ``rated``: reached calls with a score; ``satisfied`` / ``unsatisfied``: scores from / below the
      policy's "satisfied" score; ``satisfaction_mean``: the mean score (None when nothing was rated);
    * ``reach_rate`` and ``satisfaction_rate``: reached / callbacks and satisfied / rated (None for 0/0).
    """
    from chengguan.portal.services import get_policy

    threshold = get_policy().satisfied_from
    qs = Callback.objects.filter(at__gte=start, at__lt=end)
    if unit is not None:
        qs = qs.filter(case__assigned_unit_id__in=_units_below(unit))
    row = qs.aggregate(
        callbacks=Count("pk"),
        cases_called=Count("case", distinct=True),
        reached=Count("pk", filter=Q(reached=True)),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__gte=threshold)),
        satisfaction_mean=Avg("satisfaction"),
    )
    row["not_reached"] = row["callbacks"] - row["reached"]
    row["unsatisfied"] = row["rated"] - row["satisfied"]
    row["reach_rate"] = row["reached"] / row["callbacks"] if row["callbacks"] else None
    row["satisfaction_rate"] = row["satisfied"] / row["rated"] if row["rated"] else None
    if row["satisfaction_mean"] is not None:
        row["satisfaction_mean"] = round(float(row["satisfaction_mean"]), 3)
    return row


def rating_counts(start: dt.datetime, end: dt.datetime, unit: Unit | int | None = None) -> dict[str, Any]:
    """Counts of the citizens' own ratings made in ``[start, end)`` (same shape idea as callbacks)."""
    from chengguan.portal.services import get_policy

    threshold = get_policy().satisfied_from
    qs = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if unit is not None:
        qs = qs.filter(case__assigned_unit_id__in=_units_below(unit))
    row = qs.aggregate(
        ratings=Count("pk"),
        satisfied=Count("pk", filter=Q(score__gte=threshold)),
        reopened=Count("pk", filter=Q(reopened=True)),
        satisfaction_mean=Avg("score"),
    )
    row["unsatisfied"] = row["ratings"] - row["satisfied"]
    if row["satisfaction_mean"] is not None:
        row["satisfaction_mean"] = round(float(row["satisfaction_mean"]), 3)
    return row


def get_events_after(case: Case, at: dt.datetime) -> QuerySet[CaseEvent]:
    return case.events.filter(at__gte=at).order_by("at", "pk")
