"""Reading proceedings: who may see which, and the deadline of every pending step (computed, never stored).

Who sees a proceeding (one condition per line, each tested):

* administrators, leaders and superusers see every proceeding;
* enforcement staff (officers, squadron leaders, legal reviewers) see those in their territory;
* the officers in charge see theirs wherever it is;
* anybody else (citizens, departments, auxiliaries, visitors) sees none: ``NotFound`` for those
  without a unit, ``AccessDenied`` for staff outside the territory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengguan.core.clock import to_city
from chengguan.org.access import territory_of, territory_q
from chengguan.org.roles import CITYWIDE_ROLES, Role
from chengguan.penalty import deadlines
from chengguan.penalty.errors import AccessDenied, ProceedingNotFound
from chengguan.penalty.models import UNPAID_STATES, Procedure, Proceeding, State
from chengguan.penalty.policy import get_policy

READ_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.LEADER, Role.ADMIN})

ON_TIME = "on_time"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
BUREAU = "bureau"  # the bureau must act by the date: overdue is a breach, marked by the tick
PARTY = "party"  # the party's window: when it is over, the bureau may take the next step

STEP_LABELS = {
    "decision": _("Decide (90 days from opening, plus approved extensions)"),
    "statement": _("The party's statement and defence period ends"),
    "hearing_request": _("The party's time to ask for a hearing ends"),
    "hearing": _("Hold the hearing"),
    "service": _("Serve the decision (7 working days)"),
    "payment": _("The party's last day to pay (15 days)"),
    "summary_filing": _("File the on-the-spot decision with the bureau"),
    "demand_performance": _("The party's last day under the demand notice"),
    "court_application": _("Apply to the court for enforcement"),
}


def _active(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def sees_everything(actor: Any) -> bool:
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*CITYWIDE_ROLES)


def can_see(actor: Any, p: Proceeding) -> bool:
    if not _active(actor):
        return False
    if sees_everything(actor):
        return True
    if not actor.has_role(*READ_ROLES):
        return False
    if territory_of(actor).covers_code(p.grid_code):
        return True
    return p.officers.filter(pk=actor.pk).exists()


def access_proceeding(actor: Any, proceeding_id: Any) -> Proceeding:
    """The proceeding if ``actor`` may see it; ``ProceedingNotFound`` or ``AccessDenied`` otherwise."""
    try:
        p = Proceeding.objects.select_related("party", "violation", "violation__violation_type").get(
            pk=int(proceeding_id)
        )
    except (Proceeding.DoesNotExist, TypeError, ValueError):
        raise ProceedingNotFound(field="proceeding", proceeding=proceeding_id) from None
    if can_see(actor, p):
        return p
    if not _active(actor) or not getattr(actor, "unit_id", None):
        raise ProceedingNotFound(field="proceeding", proceeding=proceeding_id)
    raise AccessDenied(field="proceeding", proceeding=p.pk)


def get_proceedings_visible_to(actor: Any) -> QuerySet[Proceeding]:
    if not _active(actor):
        return Proceeding.objects.none()
    if sees_everything(actor):
        return Proceeding.objects.all()
    if not actor.has_role(*READ_ROLES):
        return Proceeding.objects.none()
    condition = territory_q(territory_of(actor), "grid_code") | Q(officers=actor)
    return Proceeding.objects.filter(condition).distinct()


# --- pending steps and their deadlines -----------------------------------------------------------------


@dataclass(frozen=True)
class PendingStep:
    step: str
    due: dt.date
    who: str  # BUREAU or PARTY
    status: str  # ON_TIME, DUE_SOON, OVERDUE
    opens: dt.date | None = None  # for a window: the first day the step is allowed

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.step])

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "label": self.label,
            "due": self.due.isoformat(),
            "opens": self.opens.isoformat() if self.opens else None,
            "who": self.who,
            "status": self.status,
        }


def status_of(due: dt.date, today: dt.date, soon_days: int) -> str:
    if today > due:
        return OVERDUE
    if (due - today).days <= soon_days:
        return DUE_SOON
    return ON_TIME


def pending_steps(p: Proceeding, now: dt.datetime | None = None) -> list[PendingStep]:
    """Every step of ``p`` still to come that has a legal date, with its status on ``now``'s city day."""
    today = to_city(now or timezone.now()).date()
    soon = get_policy().due_soon_days
    found: list[tuple[str, dt.date, str, dt.date | None]] = []
    state = p.state
    if state in (
        State.INVESTIGATION,
        State.NOTICE_ISSUED,
        State.STATEMENT,
        State.HEARING_REQUESTED,
        State.HEARING_SCHEDULED,
        State.LEGAL_REVIEW,
        State.COLLECTIVE_DISCUSSION,
        State.AWAITING_DECISION,
    ):
        found.append(("decision", deadlines.decision_due(p.opened_on, p.extension_days), BUREAU, None))
    if state == State.STATEMENT and p.notice_served_on is not None:
        found.append(("statement", deadlines.statement_due(p.notice_served_on), PARTY, None))
        notice = p.current_notice()
        if notice is not None and notice.hearing_right:
            found.append(("hearing_request", deadlines.hearing_request_due(p.notice_served_on), PARTY, None))
    if state == State.HEARING_SCHEDULED:
        hearing = p.hearings.order_by("-requested_on", "-pk").first()
        if hearing is not None and hearing.scheduled_for is not None:
            found.append(("hearing", to_city(hearing.scheduled_for).date(), BUREAU, None))
    if state == State.DECIDED and p.decided_on is not None:
        found.append(("service", deadlines.service_due(p.decided_on), BUREAU, None))
    if p.procedure == Procedure.SUMMARY and p.filed_on is None and p.decided_on is not None:
        found.append(("summary_filing", deadlines.filing_due(p.decided_on), BUREAU, None))
    if state == State.AWAITING_PAYMENT and p.payment_due is not None:
        found.append(("payment", p.payment_due, PARTY, None))
    if state == State.DEMAND_SERVED and p.demand_served_on is not None:
        end = deadlines.court_window(p.served_on or p.demand_served_on, p.demand_served_on).demand_wait_end
        if end is not None:
            found.append(("demand_performance", end, PARTY, None))
    unpaid = state in UNPAID_STATES and state != State.COURT_APPLIED
    if unpaid and p.served_on is not None and p.payment_due is not None and today > p.payment_due:
        window = deadlines.court_window(p.served_on, p.demand_served_on)
        found.append(("court_application", window.closes, BUREAU, window.opens))
    return [
        PendingStep(step, due, who, status_of(due, today, soon), opens) for step, due, who, opens in found
    ]
