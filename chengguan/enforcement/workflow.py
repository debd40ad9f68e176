"""Every change of a violation's step goes through here: choosing the step, re-inspecting.

The table below is the whole state machine; a pair not in it is refused with a ``Conflict``.

    proposed   --education / warm_reminder-->  educated     (education given, no penalty)
    proposed   --rectification_order------->  rectifying   (deadline in working days + re-inspection task)
    proposed   --proceedings--------------->  proceedings  (the penalty app opens a proceeding)
    rectifying --re-inspected: corrected--->  corrected
    rectifying --re-inspected: not corrected-> proceedings

Each change checks the actor (an officer or squadron leader with an enforcement credential, in the
territory of the violation), compares and sets the version, writes a ``ViolationEvent`` and an
audit entry, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit
from chengguan.core.clock import city_today
from chengguan.core.errors import Conflict, InvalidInput
from chengguan.enforcement.access import check_can_decide_at
from chengguan.enforcement.models import (
    EnforcementStep,
    ReinspectionResult,
    ReinspectionTask,
    Violation,
    ViolationEvent,
    ViolationStatus,
)
from chengguan.workdays.calendar import add_legal_days

STEP_TO_STATUS: dict[str, ViolationStatus] = {
    EnforcementStep.EDUCATION: ViolationStatus.EDUCATED,
    EnforcementStep.WARM_REMINDER: ViolationStatus.EDUCATED,
    EnforcementStep.RECTIFICATION_ORDER: ViolationStatus.RECTIFYING,
    EnforcementStep.PROCEEDINGS: ViolationStatus.PROCEEDINGS,
}
REINSPECTION_TO_STATUS: dict[str, ViolationStatus] = {
    ReinspectionResult.CORRECTED: ViolationStatus.CORRECTED,
    ReinspectionResult.NOT_CORRECTED: ViolationStatus.PROCEEDINGS,
}
# (from status, action) → allowed
TRANSITIONS: dict[str, frozenset[str]] = {
    ViolationStatus.PROPOSED: frozenset(STEP_TO_STATUS),
    ViolationStatus.RECTIFYING: frozenset({"reinspect"}),
}
MAX_TEXT = 4000


def _refuse(violation: Violation, action: str) -> Conflict:
    return Conflict(
        _("This violation is %(status)s; it cannot take “%(action)s” now.")
        % {"status": violation.get_status_display(), "action": action},
        field="status",
        status=violation.status,
        action=action,
    )


def rectification_deadline(violation: Violation, *, today: dt.date | None = None) -> dt.date:
    """The last day to correct: the type's time limit in working days from today (0: today)."""
    start = today or city_today()
    return add_legal_days(start, violation.violation_type.rectification_days, working=True)


def _compare_and_set(violation: Violation, version: int | None, **changes: Any) -> None:
    expected = violation.version if version is None else version
    changed = Violation.objects.filter(pk=violation.pk, version=expected).update(
        version=expected + 1, **changes
    )
    if changed != 1:
        raise Conflict(field="version", expected=expected)
    for name, value in changes.items():
        setattr(violation, name, value)
    violation.version = expected + 1


def _open_proceeding(violation: Violation, actor: Any) -> Any:
    """Hand the violation to the penalty app, if it is installed (its function opens the proceeding)."""
    if importlib.util.find_spec("chengguan.penalty.services") is None:
        return None
    penalty_services = importlib.import_module("chengguan.penalty.services")
    open_proceeding = getattr(penalty_services, "open_proceeding", None)
    if open_proceeding is None:
        return None
    return open_proceeding(violation, actor=actor)


def _text(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("This text is too long."), field=field)
    return text


def choose_step(
    violation: Violation,
    *,
    actor: Any,
    step: str,
    reason: str = "",
    version: int | None = None,
    education_note: str = "",
    deadline: dt.date | None = None,
) -> Violation:
    """Record the officer's choice of step for a proposed violation and carry it out."""
    check_can_decide_at(actor, violation.grid_code)
    if step not in STEP_TO_STATUS:
        raise InvalidInput(
            _("The step must be one of %(allowed)s.") % {"allowed": ", ".join(EnforcementStep.values)},
            field="step",
        )
    if step not in TRANSITIONS.get(violation.status, frozenset()):
        raise _refuse(violation, step)
    reason = _text(reason, "reason")
    if step != violation.proposed_step and not reason:
        raise InvalidInput(
            _("You chose another step than the proposed one (%(proposed)s): give the reason.")
            % {"proposed": violation.get_proposed_step_display()},
            field="reason",
        )
    note = _text(education_note, "education_note")
    now = timezone.now()
    changes: dict[str, Any] = {
        "chosen_step": step,
        "choice_reason": reason,
        "chosen_at": now,
        "chosen_by_id": actor.pk,
        "status": STEP_TO_STATUS[step],
    }
    if step in (EnforcementStep.EDUCATION, EnforcementStep.WARM_REMINDER):
        changes["education_given"] = True
        changes["education_note"] = note or violation.violation_type.reminder_text
        changes["resolved_at"] = now
    if step == EnforcementStep.RECTIFICATION_ORDER:
        computed = rectification_deadline(violation)
        if deadline is not None and deadline < city_today():
            raise InvalidInput(_("The deadline cannot lie in the past."), field="deadline")
        changes["rectification_deadline"] = deadline or computed
        if note:
            changes["education_given"] = True
            changes["education_note"] = note

    with transaction.atomic():
        _compare_and_set(violation, version, **changes)
        payload: dict[str, Any] = {
            "proposed_step": violation.proposed_step,
            "chosen_step": step,
            "reason": reason,
            "departs_from_proposal": step != violation.proposed_step,
        }
        if step == EnforcementStep.RECTIFICATION_ORDER:
            task = ReinspectionTask.objects.create(
                violation=violation, due_date=violation.rectification_deadline, assigned_to=actor
            )
            payload["deadline"] = violation.rectification_deadline
            payload["reinspection"] = task.pk
        ViolationEvent.objects.create(
            violation=violation, action="step_chosen", actor=actor, at=now, payload=_plain(payload)
        )
        audit("enforcement.step_chosen", actor=actor, target=violation, payload=payload)
        if step == EnforcementStep.PROCEEDINGS:
            _open_proceeding(violation, actor)
    return violation


def record_reinspection(
    task: ReinspectionTask, *, actor: Any, result: str, note: str = "", version: int | None = None
) -> ReinspectionTask:
    """Record what the re-inspection found; not corrected sends the violation to proceedings."""
    violation = task.violation
    check_can_decide_at(actor, violation.grid_code)
    if result not in REINSPECTION_TO_STATUS:
        raise InvalidInput(
            _("The result must be corrected or not_corrected."),
            field="result",
        )
    if task.result != ReinspectionResult.PENDING:
        raise Conflict(_("This re-inspection has been recorded already."), field="result", result=task.result)
    if "reinspect" not in TRANSITIONS.get(violation.status, frozenset()):
        raise _refuse(violation, "reinspect")
    if result == ReinspectionResult.NOT_CORRECTED and city_today() < task.due_date:
        raise InvalidInput(
            _("The party has until %(date)s to correct it; re-inspect then.") % {"date": task.due_date},
            field="result",
        )
    note = _text(note, "note")
    now = timezone.now()
    changes: dict[str, Any] = {"status": REINSPECTION_TO_STATUS[result]}
    if result == ReinspectionResult.CORRECTED:
        changes["resolved_at"] = now
    with transaction.atomic():
        done = ReinspectionTask.objects.filter(pk=task.pk, result=ReinspectionResult.PENDING).update(
            result=result, inspected_at=now, inspected_by=actor, note=note
        )
        if done != 1:
            raise Conflict(_("This re-inspection has been recorded already."), field="result")
        task.result, task.inspected_at, task.inspected_by, task.note = result, now, actor, note
        _compare_and_set(violation, version, **changes)
        payload = {"reinspection": task.pk, "result": result, "note": note, "due_date": task.due_date}
        ViolationEvent.objects.create(
            violation=violation, action="reinspected", actor=actor, at=now, payload=_plain(payload)
        )
        audit("enforcement.reinspected", actor=actor, target=violation, payload=payload)
        if result == ReinspectionResult.NOT_CORRECTED:
            ViolationEvent.objects.create(
                violation=violation,
                action="escalated",
                actor=actor,
                at=now,
                payload={"to": EnforcementStep.PROCEEDINGS.value},
            )
            _open_proceeding(violation, actor)
    return task


def _plain(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in payload.items()}
