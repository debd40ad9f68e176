"""The case state machine: every change of a case's state goes through one function here.

``TRANSITIONS`` is the whole machine: for each action, the states it may start from, the state it
leads to, the roles that may take it and whose scope is checked (the actor's territory must cover
the case's grid, or the actor must belong to the assigned unit). Anything not in the table is
refused with a typed error.

Every step, in one ``transaction.atomic()``:

1. checks the actor's role and scope, the from-state and the version the client saw;
2. moves the case by compare-and-set (``UPDATE … WHERE pk = … AND version = … AND state = …``; no
   row changed → ``StaleVersion``, 409, with the current state and version), sets the milestone
   timestamp and recomputes the step deadlines (``deadlines``);
3. stores the evidence, writes a ``CaseEvent`` (old and new values of the changed fields), the
   ``Notification`` outbox rows for whoever must act next, and the audit entry (last).

Files are checked and staged in storage before the transaction; nothing external happens in it.
``urge`` and the supervision tick change only supervision counters, with conditional updates; they
do not bump the version, so a dispatcher's urge never makes a handler's next step conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.audit.services import record as audit_record
from chengguan.cases.access import acting_user, is_member_of
from chengguan.cases.deadlines import DUE_FIELD, is_closed_on_time, shift, start_step, step_of, stop_clock
from chengguan.cases.errors import (
    AccessDenied,
    CaseNotFound,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StaleVersion,
    WrongRole,
)
from chengguan.cases.events import diff, notify, record_event, snapshot
from chengguan.cases.intake import attach_evidence, check_urgency, resolve_category, stage_files, suggest_unit
from chengguan.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseState,
    ExtensionRequest,
    ExtensionStatus,
    Supervision,
    SupervisionKind,
)
from chengguan.catalog.models import Step
from chengguan.core.errors import ChengguanError
from chengguan.evidence.models import EvidenceKind
from chengguan.geo.locate import locate
from chengguan.org.access import can_act_at
from chengguan.org.models import Unit, UnitKind
from chengguan.org.roles import Role
from chengguan.workdays.calendar import working_time_between

S = CaseState

# Scopes: where the actor must stand to take the action.
TERRITORY = "territory"  # the case's grid lies in the actor's territory
UNIT = "unit"  # the actor belongs to the case's assigned unit
REPORTER = "reporter"  # a citizen who reported the case, or staff whose territory covers it

# Roles of the members of a handling unit (squadron or department).
UNIT_ROLES = frozenset({Role.OFFICER, Role.AUXILIARY, Role.SQUADRON_LEADER, Role.DEPARTMENT})
# ``to_state`` of ``resume``: the state the case was suspended from.
PREVIOUS_STATE = "<previous>"

MAX_REASON = 4000
MAX_EXTENSION_HOURS = Decimal("999.9")


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_state: str | None  # None: the action does not change the state
    roles: frozenset[str]
    scope: str
    event: str  # the CaseEvent action written
    public: bool = False  # shown on the citizen's timeline


def _t(
    from_states: Iterable[str],
    to_state: str | None,
    roles: Iterable[str],
    scope: str,
    event: str,
    public: bool = False,
) -> Transition:
    return Transition(frozenset(from_states), to_state, frozenset(roles), scope, event, public)


# What each action is called in messages (the table's keys are code, never shown).
ACTION_LABELS = {
    "register": gettext_lazy("register"),
    "reject": gettext_lazy("refuse to register"),
    "merge": gettext_lazy("merge"),
    "dispatch": gettext_lazy("dispatch"),
    "accept": gettext_lazy("accept"),
    "return": gettext_lazy("return to the dispatcher"),
    "report_back": gettext_lazy("report back"),
    "verify": gettext_lazy("verify and close"),
    "rework": gettext_lazy("send back for rework"),
    "request_extension": gettext_lazy("request an extension"),
    "decide_extension": gettext_lazy("decide on an extension"),
    "suspend": gettext_lazy("suspend"),
    "resume": gettext_lazy("resume"),
    "transfer": gettext_lazy("transfer"),
    "cancel": gettext_lazy("cancel"),
    "urge": gettext_lazy("urge"),
    "reopen": gettext_lazy("reopen"),
}

TRANSITIONS: dict[str, Transition] = {
    "register": _t([S.REPORTED], S.REGISTERED, [Role.OPERATOR], TERRITORY, "registered", True),
    "reject": _t([S.REPORTED], S.REJECTED, [Role.OPERATOR], TERRITORY, "rejected", True),
    "merge": _t([S.REPORTED], S.MERGED, [Role.OPERATOR], TERRITORY, "merged", True),
    "dispatch": _t(
        [S.REGISTERED, S.RETURNED], S.DISPATCHED, [Role.DISPATCHER], TERRITORY, "dispatched", True
    ),
    "accept": _t([S.DISPATCHED], S.ACCEPTED, UNIT_ROLES, UNIT, "accepted", True),
    "return": _t([S.DISPATCHED, S.ACCEPTED], S.RETURNED, UNIT_ROLES, UNIT, "returned"),
    "report_back": _t([S.ACCEPTED], S.HANDLED, UNIT_ROLES, UNIT, "handled", True),
    "verify": _t([S.HANDLED], S.CLOSED, [Role.INSPECTOR], TERRITORY, "closed", True),
    "rework": _t([S.HANDLED], S.ACCEPTED, [Role.INSPECTOR], TERRITORY, "rework"),
    "request_extension": _t([S.ACCEPTED], None, UNIT_ROLES, UNIT, "extension_requested"),
    "decide_extension": _t(
        [S.ACCEPTED, S.SUSPENDED], None, [Role.DISPATCHER], TERRITORY, "extension_decided"
    ),
    "suspend": _t([S.DISPATCHED, S.ACCEPTED], S.SUSPENDED, [Role.DISPATCHER], TERRITORY, "suspended"),
    "resume": _t([S.SUSPENDED], PREVIOUS_STATE, [Role.DISPATCHER], TERRITORY, "resumed"),
    "transfer": _t(
        [S.REGISTERED, S.RETURNED, S.DISPATCHED],
        S.TRANSFERRED,
        [Role.DISPATCHER],
        TERRITORY,
        "transferred",
        True,
    ),
    "cancel": _t(
        [S.REPORTED, S.REGISTERED, S.RETURNED, S.DISPATCHED, S.SUSPENDED],
        S.CANCELLED,
        [Role.OPERATOR, Role.DISPATCHER],
        TERRITORY,
        "cancelled",
        True,
    ),
    "urge": _t([S.DISPATCHED, S.ACCEPTED], None, [Role.DISPATCHER], TERRITORY, "urged"),
    # 回访不满意 → 回退重办: a reporter who is not satisfied (or the operator calling them back)
    # sends a closed case back to the unit that handled it (rework; see ``reopen``).
    "reopen": _t([S.CLOSED], S.ACCEPTED, [Role.CITIZEN, Role.OPERATOR], REPORTER, "reopened", True),
}

# Units a case may be dispatched to, and transferred to.
DISPATCH_UNIT_KINDS = frozenset({UnitKind.SQUADRON, UnitKind.DEPARTMENT})


# --- guards ----------------------------------------------------------------------------------------


def check_actor(action: str, case: Case, actor: Any) -> Any:
    """The acting user, if their role and scope allow ``action`` on ``case``; else ``AccessDenied``."""
    transition = TRANSITIONS[action]
    user = acting_user(actor)
    if user is None:
        raise WrongRole(_("Sign in first."), field="actor", action=action)
    if not user.has_role(*transition.roles):
        raise WrongRole(
            _("Your role may not do this to a case: %(action)s.") % {"action": ACTION_LABELS[action]},
            field="actor",
            action=action,
        )
    if transition.scope == REPORTER and user.has_role(Role.CITIZEN) and not user.has_role(Role.OPERATOR):
        if case.reporter_id is None or case.reporter_id != user.pk:
            raise AccessDenied(_("Only the reporter of the case may do this."), field="actor", action=action)
    elif transition.scope == UNIT:
        if not is_member_of(user, case.assigned_unit_id):
            raise AccessDenied(
                _("Only the unit the case is assigned to may do this."), field="unit", action=action
            )
    elif not can_act_at(user, case.grid_code):
        raise AccessDenied(field="location", place=case.grid_code, action=action)
    return user


def check_state(action: str, case: Case) -> None:
    """``InvalidTransition`` (409, with the current state and version) unless ``action`` may start here."""
    if case.state not in TRANSITIONS[action].from_states:
        raise InvalidTransition(
            _("A case in the state “%(state)s” does not allow this: %(action)s.")
            % {"state": CaseState(case.state).label, "action": ACTION_LABELS[action]},
            state=case.state,
            version=case.version,
            action=action,
        )


def can_do(action: str, case: Case, actor: Any) -> bool:
    """Whether ``actor`` may take ``action`` on ``case`` now (role, scope and state)."""
    try:
        check_actor(action, case, actor)
        check_state(action, case)
    except ChengguanError:
        return False
    return True


def allowed_actions(case: Case, actor: Any) -> list[str]:
    """The actions of the table ``actor`` may take on ``case`` now (for buttons and API links)."""
    actions = [action for action in TRANSITIONS if can_do(action, case, actor)]
    if "decide_extension" in actions and not case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        actions.remove("decide_extension")
    return actions


def _check_version(version: Any) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidInput(_("version must be the case's version number."), field="version")
    return version


def _reason(value: Any, name: str = "reason", *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("Give a %(field)s.") % {"field": name}, field=name)
    if len(text) > MAX_REASON:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.") % {"field": name, "limit": MAX_REASON},
            field=name,
        )
    return text


def _load(case_id: Any) -> Case:
    try:
        return Case.objects.select_related("category").get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise CaseNotFound(field="case", case=case_id) from None


def _stale(case_id: int) -> StaleVersion:
    current = Case.objects.filter(pk=case_id).values("state", "version").first() or {
        "state": "",
        "version": 0,
    }
    return StaleVersion(state=current["state"], version=current["version"])


def _begin(action: str, case_id: Any, *, actor: Any, version: Any | None) -> tuple[Case, Any]:
    """Load the case and check actor, state and (if given) version, before any write."""
    case = _load(case_id)
    user = check_actor(action, case, actor)
    check_state(action, case)
    if version is not None and _check_version(version) != case.version:
        raise StaleVersion(state=case.state, version=case.version)
    return case, user


@dataclass(frozen=True)
class Notice:
    kind: str
    message: str
    unit_id: int | None = None
    user_id: int | None = None


def _apply(
    action: str,
    case: Case,
    *,
    actor: Any,
    changes: dict[str, Any],
    now: dt.datetime,
    note: str = "",
    payload: dict[str, Any] | None = None,
    staged: Iterable[Any] = (),
    notices: Iterable[Notice] = (),
    also: Callable[[Case, CaseEvent], dict[str, Any] | None] | None = None,
) -> Case:
    """Move ``case`` (as read, at its version) by compare-and-set and write everything that goes with it."""
    transition = TRANSITIONS[action]
    before = snapshot(case)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=case.version, state=case.state).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if not updated:
            raise _stale(case.pk)
        case = Case.objects.select_related("category").get(pk=case.pk)
        evidence_ids = attach_evidence(case, list(staged), actor=actor, at=now)
        event_payload: dict[str, Any] = {**diff(before, snapshot(case)), **(payload or {})}
        if evidence_ids:
            event_payload["evidence"] = evidence_ids
        event = record_event(
            case,
            transition.event,
            actor=actor,
            from_state=before["state"],
            to_state=case.state,
            note=note,
            payload=event_payload,
            public=transition.public,
            at=now,
        )
        extra = also(case, event) if also is not None else None
        for notice in notices:
            notify(
                case,
                notice.kind,
                notice.message,
                unit=_unit(notice.unit_id),
                user=_user(notice.user_id),
                at=now,
            )
        audit_record(
            f"case.{action}",
            actor=actor,
            target=case,
            payload={
                "number": case.number,
                "event": event.pk,
                "from_state": before["state"],
                "to_state": case.state,
                "version": case.version,
                "note": note,
                **event_payload,
                **(extra or {}),
            },
        )
    return case


def _unit(unit_id: int | None) -> Unit | None:
    return Unit(pk=unit_id) if unit_id is not None else None


def _user(user_id: int | None) -> Any:
    if user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model()(pk=user_id)


# --- the steps -------------------------------------------------------------------------------------


def register(
    case_id: int,
    *,
    actor: Any,
    version: int,
    urgency: str | None = None,
    category: Any = None,
    note: str = "",
) -> Case:
    """立案: the operator accepts the report (optionally correcting urgency and category)."""
    case, user = _begin("register", case_id, actor=actor, version=version)
    note = _reason(note, "note", required=False)
    new_urgency = check_urgency(urgency) if urgency is not None else case.urgency
    new_category = resolve_category(category) if category is not None else case.category
    now = timezone.now()
    changes: dict[str, Any] = {
        "state": S.REGISTERED,
        "registered_at": now,
        "urgency": new_urgency,
        "category": new_category,
        **start_step(case, Step.DISPATCH, now, category=new_category, urgency=new_urgency),
    }
    if new_category.pk != case.category_id:
        try:
            suggested = suggest_unit(new_category, locate(case.lon, case.lat))
        except ChengguanError:
            suggested = case.suggested_unit
        changes["suggested_unit"] = suggested
    return _apply("register", case, actor=user, changes=changes, now=now, note=note)


def reject(case_id: int, *, actor: Any, version: int, reason: str) -> Case:
    """不予立案 / 注销: the report does not meet the registration criteria."""
    case, user = _begin("reject", case_id, actor=actor, version=version)
    reason = _reason(reason)
    now = timezone.now()
    notices = []
    if case.reporter_id is not None:
        notices.append(
            Notice(
                "rejected",
                _("Your report %(number)s was not registered.") % {"number": case.number},
                user_id=case.reporter_id,
            )
        )
    return _apply(
        "reject",
        case,
        actor=user,
        changes={"state": S.REJECTED, **stop_clock()},
        now=now,
        note=reason,
        notices=notices,
    )


def merge(case_id: int, *, actor: Any, version: int, into: int, note: str = "") -> Case:
    """Merge a duplicate report into an open case; it stays visible on that case."""
    case, user = _begin("merge", case_id, actor=actor, version=version)
    note = _reason(note, "note", required=False)
    try:
        target = Case.objects.get(pk=int(into))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(
            _("There is no case %(into)s to merge into.") % {"into": into}, field="into"
        ) from None
    if target.pk == case.pk:
        raise InvalidInput(_("A case cannot be merged into itself."), field="into")
    if target.state not in OPEN_STATES or target.merged_into_id is not None:
        raise InvalidInput(_("Reports can only be merged into an open case."), field="into")
    if not can_act_at(user, target.grid_code):
        raise AccessDenied(field="into", place=target.grid_code)
    now = timezone.now()

    def on_target(merged: Case, event: CaseEvent) -> dict[str, Any]:
        record_event(
            target,
            "report_merged",
            actor=user,
            from_state=target.state,
            to_state=target.state,
            note=note,
            payload={"merged_case": merged.pk, "merged_number": merged.number},
            at=now,
        )
        return {"into_number": target.number}

    return _apply(
        "merge",
        case,
        actor=user,
        changes={"state": S.MERGED, "merged_into": target, **stop_clock()},
        now=now,
        note=note,
        also=on_target,
    )


def dispatch(case_id: int, *, actor: Any, version: int, unit: int | None = None, note: str = "") -> Case:
    """派遣: send the case to a squadron or department (by default the suggested one); the handling clock starts."""
    case, user = _begin("dispatch", case_id, actor=actor, version=version)
    note = _reason(note, "note", required=False)
    unit_id = unit if unit is not None else case.suggested_unit_id
    if unit_id is None:
        raise InvalidInput(_("Choose the unit to dispatch to."), field="unit")
    try:
        target = Unit.objects.get(pk=int(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(_("There is no unit %(unit)s.") % {"unit": unit_id}, field="unit") from None
    if target.kind not in DISPATCH_UNIT_KINDS:
        raise InvalidInput(_("Cases are dispatched to a squadron or a department."), field="unit")
    now = timezone.now()
    changes = {
        "state": S.DISPATCHED,
        "assigned_unit": target,
        "dispatched_at": now,
        **start_step(case, Step.HANDLE, now),
    }
    notice = Notice(
        "dispatched",
        _("Case %(number)s was dispatched to your unit.") % {"number": case.number},
        unit_id=target.pk,
    )
    return _apply("dispatch", case, actor=user, changes=changes, now=now, note=note, notices=[notice])


def accept(case_id: int, *, actor: Any, version: int) -> Case:
    """The assigned unit takes the case on."""
    case, user = _begin("accept", case_id, actor=actor, version=version)
    now = timezone.now()
    return _apply("accept", case, actor=user, changes={"state": S.ACCEPTED, "accepted_at": now}, now=now)


def _last_dispatcher(case: Case) -> int | None:
    return (
        CaseEvent.objects.filter(case=case, action=TRANSITIONS["dispatch"].event)
        .order_by("-at", "-pk")
        .values_list("actor", flat=True)
        .first()
    )


def return_case(case_id: int, *, actor: Any, version: int, reason: str) -> Case:
    """回退: the unit sends the case back (not theirs); the dispatcher must dispatch it again."""
    case, user = _begin("return", case_id, actor=actor, version=version)
    reason = _reason(reason)
    now = timezone.now()
    changes = {"state": S.RETURNED, "assigned_unit": None, **start_step(case, Step.DISPATCH, now)}
    dispatcher = _last_dispatcher(case)
    notices = [
        Notice(
            "returned",
            _("Case %(number)s was returned: %(reason)s") % {"number": case.number, "reason": reason},
            user_id=dispatcher,
        )
    ]
    return _apply("return", case, actor=user, changes=changes, now=now, note=reason, notices=notices)


def report_back(case_id: int, *, actor: Any, version: int, note: str, files: Iterable[Any]) -> Case:
    """处理反馈: the unit reports the problem solved, with at least one photo after the work."""
    case, user = _begin("report_back", case_id, actor=actor, version=version)
    note = _reason(note, "note", required=False)
    staged = stage_files(files)
    if not any(item.kind == EvidenceKind.PHOTO for item in staged):
        raise InvalidInput(_("Attach at least one photo taken after the work."), field="files")
    now = timezone.now()
    changes = {"state": S.HANDLED, "handled_at": now, **start_step(case, Step.VERIFY, now)}
    notices = [
        Notice(
            "verify",
            _("Case %(number)s was handled; please verify it on site.") % {"number": case.number},
            user_id=case.verifier_id,
        )
    ]
    return _apply(
        "report_back", case, actor=user, changes=changes, now=now, note=note, staged=staged, notices=notices
    )


def verify(
    case_id: int, *, actor: Any, version: int, passed: bool, note: str = "", files: Iterable[Any] = ()
) -> Case:
    """核查: the inspector checks on site; passed → closed, not passed → back to the unit (rework)."""
    action = "verify" if passed else "rework"
    case, user = _begin(action, case_id, actor=actor, version=version)
    note = _reason(note, "note", required=not passed)
    staged = stage_files(files)
    now = timezone.now()
    if passed:
        changes: dict[str, Any] = {
            "state": S.CLOSED,
            "verified_at": now,
            "closed_at": now,
            "closed_on_time": is_closed_on_time(case, now),
            **stop_clock(),
        }
        notices = []
        if case.reporter_id is not None:
            notices.append(
                Notice(
                    "closed",
                    _("Your report %(number)s was solved and closed.") % {"number": case.number},
                    user_id=case.reporter_id,
                )
            )
    else:
        changes = {
            "state": S.ACCEPTED,
            "verified_at": now,
            "rework_count": F("rework_count") + 1,
            **start_step(case, Step.HANDLE, now),
        }
        notices = [
            Notice(
                "rework",
                _("Case %(number)s failed verification and must be handled again: %(note)s")
                % {"number": case.number, "note": note},
                unit_id=case.assigned_unit_id,
            )
        ]
    return _apply(
        action, case, actor=user, changes=changes, now=now, note=note, staged=staged, notices=notices
    )


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        hours = Decimal("NaN")
    if isinstance(value, bool) or not hours.is_finite() or hours <= 0 or hours > MAX_EXTENSION_HOURS:
        raise InvalidInput(
            _("working_hours must be a number of hours above 0 and at most %(max)s.")
            % {"max": MAX_EXTENSION_HOURS},
            field="working_hours",
        )
    if hours != hours.quantize(Decimal("0.1")):
        raise InvalidInput(_("working_hours has at most one decimal place."), field="working_hours")
    return hours


def request_extension(
    case_id: int, *, actor: Any, version: int, working_hours: Any, reason: str
) -> ExtensionRequest:
    """延期申请: the unit asks the dispatcher for more working hours (the case does not change yet)."""
    case, user = _begin("request_extension", case_id, actor=actor, version=version)
    hours = _hours(working_hours)
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, version=case.version, state=case.state).exists():
            raise _stale(case.pk)
        if ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).exists():
            raise Conflict(
                _("An extension request of this case is already waiting for a decision."), field="extension"
            )
        request = ExtensionRequest.objects.create(
            case=case, requested_by=user, requested_at=now, working_hours=hours, reason=reason
        )
        payload = {"request": request.pk, "working_hours": str(hours)}
        event = record_event(
            case,
            "extension_requested",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            note=reason,
            payload=payload,
            at=now,
        )
        audit_record(
            "case.request_extension",
            actor=user,
            target=case,
            payload={"number": case.number, "event": event.pk, **payload},
        )
    return request


def decide_extension(request_id: int, *, actor: Any, approve: bool, note: str = "") -> Case:
    """The dispatcher approves (the handling deadline moves by the hours asked) or refuses a request."""
    try:
        request = ExtensionRequest.objects.get(pk=int(request_id))
    except (ExtensionRequest.DoesNotExist, TypeError, ValueError):
        raise NotFound(
            _("There is no such extension request."), field="request", request=request_id
        ) from None
    case, user = _begin("decide_extension", request.case_id, actor=actor, version=None)
    note = _reason(note, "note", required=False)
    if request.status != ExtensionStatus.PENDING:
        raise Conflict(_("This request was already decided."), field="status", status=request.status)
    now = timezone.now()
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    changes: dict[str, Any] = {}
    if approve:
        new_due = shift(case.handle_due, dt.timedelta(hours=float(request.working_hours)))
        changes = {"handle_due": new_due, "extension_count": F("extension_count") + 1}
        if case.state == S.ACCEPTED:
            changes["current_due"] = new_due

    def claim(updated: Case, event: CaseEvent) -> dict[str, Any]:
        claimed = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
            status=status, decided_by=user, decided_at=now, decision_note=note
        )
        if not claimed:
            raise Conflict(_("This request was already decided."), field="status")
        return {}

    notices = [
        Notice(
            "extension_" + status,
            (
                _("The extension of case %(number)s was approved.")
                if approve
                else _("The extension of case %(number)s was refused.")
            )
            % {"number": case.number},
            user_id=request.requested_by_id,
        )
    ]
    return _apply(
        "decide_extension",
        case,
        actor=user,
        changes=changes,
        now=now,
        note=note,
        payload={"request": request.pk, "decision": str(status), "working_hours": str(request.working_hours)},
        notices=notices,
        also=claim,
    )


def suspend(case_id: int, *, actor: Any, version: int, reason: str) -> Case:
    """挂账 / 缓办: the case waits (season, works); its clock stops."""
    case, user = _begin("suspend", case_id, actor=actor, version=version)
    reason = _reason(reason)
    now = timezone.now()
    changes = {"state": S.SUSPENDED, "suspended_at": now, "suspended_from": case.state, "current_due": None}
    notices = [
        Notice(
            "suspended",
            _("Case %(number)s is suspended: %(reason)s") % {"number": case.number, "reason": reason},
            unit_id=case.assigned_unit_id,
        )
    ]
    return _apply("suspend", case, actor=user, changes=changes, now=now, note=reason, notices=notices)


def resume(case_id: int, *, actor: Any, version: int, note: str = "") -> Case:
    """The suspended case goes back to the state it came from; its deadline moves by the suspended working time."""
    case, user = _begin("resume", case_id, actor=actor, version=version)
    note = _reason(note, "note", required=False)
    previous = case.suspended_from
    if previous not in TRANSITIONS["suspend"].from_states:
        raise InvalidTransition(state=case.state, version=case.version, action="resume")
    now = timezone.now()
    paused = working_time_between(case.suspended_at, now) if case.suspended_at else dt.timedelta(0)
    changes: dict[str, Any] = {"state": previous, "suspended_at": None, "suspended_from": ""}
    step = step_of(previous)
    if step is not None:
        due_field = DUE_FIELD[step]
        new_due = shift(getattr(case, due_field), paused)
        changes[due_field] = new_due
        changes["current_due"] = new_due
    notices = [
        Notice(
            "resumed",
            _("Case %(number)s is running again.") % {"number": case.number},
            unit_id=case.assigned_unit_id,
        )
    ]
    return _apply(
        "resume",
        case,
        actor=user,
        changes=changes,
        now=now,
        note=note,
        payload={"suspended_working_hours": round(paused.total_seconds() / 3600, 4)},
        notices=notices,
    )


def transfer(case_id: int, *, actor: Any, version: int, agency: int, reason: str) -> Case:
    """移交: the case belongs to another agency (工商, 交警, 公安 …); it leaves the loop with a receipt."""
    case, user = _begin("transfer", case_id, actor=actor, version=version)
    reason = _reason(reason)
    try:
        target = Unit.objects.get(pk=int(agency))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(_("There is no agency %(agency)s.") % {"agency": agency}, field="agency") from None
    if target.kind != UnitKind.AGENCY:
        raise InvalidInput(_("Cases are transferred to other agencies only."), field="agency")
    now = timezone.now()

    def receipt(updated: Case, event: CaseEvent) -> dict[str, Any]:
        body = {
            "receipt": f"{updated.number}-Y{event.pk}",
            "case": updated.number,
            "agency": {"id": target.pk, "code": target.code, "name": target.name},
            "reason": reason,
            "at": now.isoformat(),
        }
        record_event(
            updated,
            "transfer_receipt",
            actor=user,
            from_state=updated.state,
            to_state=updated.state,
            note=reason,
            payload=body,
            public=True,
            at=now,
        )
        return {"receipt": body["receipt"]}

    notices = [
        Notice(
            "transferred",
            _("Case %(number)s was transferred to you: %(reason)s")
            % {"number": case.number, "reason": reason},
            unit_id=target.pk,
        )
    ]
    return _apply(
        "transfer",
        case,
        actor=user,
        changes={"state": S.TRANSFERRED, "transferred_to": target, **stop_clock()},
        now=now,
        note=reason,
        notices=notices,
        also=receipt,
    )


def cancel(case_id: int, *, actor: Any, version: int, reason: str) -> Case:
    """作废: the case is withdrawn (entered by mistake, solved by itself …)."""
    case, user = _begin("cancel", case_id, actor=actor, version=version)
    reason = _reason(reason)
    now = timezone.now()
    notices = [
        Notice(
            "cancelled",
            _("Case %(number)s was cancelled: %(reason)s") % {"number": case.number, "reason": reason},
            unit_id=case.assigned_unit_id,
        )
    ]
    return _apply(
        "cancel",
        case,
        actor=user,
        changes={"state": S.CANCELLED, "cancelled_at": now, **stop_clock()},
        now=now,
        note=reason,
        notices=notices,
    )


def urge(case_id: int, *, actor: Any, note: str = "") -> Case:
    """催办: the dispatcher urges the unit; a supervision row and a notice, the version is not bumped."""
    case, user = _begin("urge", case_id, actor=actor, version=None)
    note = _reason(note, "note", required=False)
    now = timezone.now()
    transition = TRANSITIONS["urge"]
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, state__in=transition.from_states).update(
            urge_count=F("urge_count") + 1
        ):
            current = Case.objects.values("state", "version").get(pk=case.pk)
            raise InvalidTransition(state=current["state"], version=current["version"], action="urge")
        case = Case.objects.select_related("category").get(pk=case.pk)
        supervision = Supervision.objects.create(
            case=case,
            kind=SupervisionKind.URGE,
            step=step_of(case.state) or "",
            unit_id=case.assigned_unit_id,
            by=user,
            at=now,
            note=note,
        )
        payload = {"supervision": supervision.pk, "urge_count": case.urge_count}
        event = record_event(
            case,
            transition.event,
            actor=user,
            from_state=case.state,
            to_state=case.state,
            note=note,
            payload=payload,
            at=now,
        )
        notify(
            case,
            "urge",
            _("Case %(number)s is urged: %(note)s") % {"number": case.number, "note": note or "—"},
            unit=_unit(case.assigned_unit_id),
            at=now,
        )
        audit_record(
            "case.urge",
            actor=user,
            target=case,
            payload={"number": case.number, "event": event.pk, **payload},
        )
    return case


def reopen(
    case_id: int,
    *,
    actor: Any,
    version: int,
    reason: str,
    within_days: int,
    for_anonymous_reporter: bool = False,
) -> Case:
    """回退重办: a closed case goes back to its unit for rework because the reporter is not satisfied.

    Allowed within ``within_days`` days of the closure (the bureau's policy, passed by the caller).
    ``actor`` is the citizen who reported the case or an operator of its territory; an anonymous
    reporter has no account, so the caller that checked their tracking code passes ``actor=None``
    and ``for_anonymous_reporter=True`` (only for a case that has no reporter account).
    The case becomes ``accepted`` again with a new handling deadline; its rework count goes up.
    """
    if for_anonymous_reporter and acting_user(actor) is None:
        case = _load(case_id)
        if case.reporter_id is not None:
            raise WrongRole(_("Sign in first."), field="actor", action="reopen")
        check_state("reopen", case)
        if _check_version(version) != case.version:
            raise StaleVersion(state=case.state, version=case.version)
        user = None
    else:
        case, user = _begin("reopen", case_id, actor=actor, version=version)
    reason = _reason(reason)
    now = timezone.now()
    if case.closed_at is None or now - case.closed_at > dt.timedelta(days=within_days):
        raise InvalidInput(
            _("A case can be reopened only within %(days)s days of its closure.") % {"days": within_days},
            field="case",
        )
    if case.assigned_unit_id is None:
        raise InvalidInput(_("The case has no handling unit to send it back to."), field="case")
    changes: dict[str, Any] = {
        "state": S.ACCEPTED,
        "closed_at": None,
        "closed_on_time": None,
        "rework_count": F("rework_count") + 1,
        **start_step(case, Step.HANDLE, now),
    }
    notices = [
        Notice(
            "reopened",
            _("Case %(number)s was reopened because the reporter is not satisfied: %(reason)s")
            % {"number": case.number, "reason": reason},
            unit_id=case.assigned_unit_id,
        )
    ]
    return _apply(
        "reopen",
        case,
        actor=user,
        changes=changes,
        now=now,
        note=reason,
        payload={"closed_at": case.closed_at.isoformat(), "within_days": within_days},
        notices=notices,
    )
