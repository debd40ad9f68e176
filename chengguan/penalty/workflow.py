"""The penalty procedure as a state machine: every change of a proceeding goes through one function here.

``TRANSITIONS`` is the whole machine: for each action, the states it may start from, the state it
leads to (``ROUTED``: the next step the law requires — legal review, collective discussion or the
decision; ``None``: the state does not change) and the roles that may take it. Every action is also
checked against the actor's territory (the proceeding's grid). Anything not in the table is refused.

Ordinary procedure (普通程序)::

    investigation ─issue_notice→ notice_issued ─serve_notice→ statement
    statement ─request_hearing→ hearing_requested ─schedule_hearing→ hearing_scheduled ─hold_hearing→ ROUTED
    statement ─close_statement / waive→ ROUTED
    ROUTED = legal_review (when required) → collective_discussion (complex case) → awaiting_decision
    legal_review ─returned→ investigation (a new notice follows)
    awaiting_decision ─decide→ decided ─serve_decision→ awaiting_payment ─record_payment→ paid
    awaiting_payment ─issue_demand→ demand_issued ─serve_demand→ demand_served ─apply_to_court→ court_applied
    (a decision of no penalty closes the proceeding; payment is accepted until it is paid)

Summary procedure (简易程序): ``summary_decide`` creates the proceeding already decided and served on
the spot (awaiting_payment), for a warning or a fine within the summary limits.

Every step, in one ``transaction.atomic()``: role, territory, state and the version the client saw
are checked; the rules of the law that apply to the step are checked (each refusal is a
``LegalBar`` naming its rule); the proceeding is moved by compare-and-set (``UPDATE … WHERE pk AND
version AND state``; no row → ``StaleVersion``, 409); the step's records, a ``ProceedingEvent`` and
the audit entry (last) are written. Evidence files are checked and staged before the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.audit.chain import normalise_payload
from chengguan.audit.services import record as audit_record
from chengguan.core.clock import to_city
from chengguan.core.errors import ChengguanError, Conflict, NotFound
from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.evidence.services import StagedFile, stage_evidence_file, store_evidence
from chengguan.org.access import can_act_at
from chengguan.org.roles import Role
from chengguan.penalty import deadlines, rules
from chengguan.penalty.credentials import check_two_officers
from chengguan.penalty.errors import (
    AccessDenied,
    InvalidInput,
    InvalidTransition,
    LegalBar,
    ProceedingNotFound,
    StaleVersion,
    WrongRole,
)
from chengguan.penalty.limits import Limit, get_limit
from chengguan.penalty.models import (
    FINISHED_STATES,
    UNPAID_STATES,
    CollectiveDiscussion,
    CourtApplication,
    DeadlineExtension,
    Decision,
    DemandNotice,
    Document,
    FineCorrection,
    Hearing,
    InvestigationRecord,
    LegalReview,
    NumberSeries,
    Outcome,
    PartyStatement,
    Payment,
    PaymentMethod,
    PenaltyNotice,
    Procedure,
    Proceeding,
    ProceedingEvent,
    RecordKind,
    ReviewResult,
    Service,
    ServiceMethod,
    State,
    StatementKind,
)
from chengguan.penalty.policy import get_policy
from chengguan.penalty.publication import publish_decision, replace_publication
from chengguan.penalty.rules import PenaltyKind

S = State
ROUTED = "<routed>"  # to_state: the next step the law requires (see ``_route``)
CREATED = frozenset({"<new>"})  # from_states of the actions that create a proceeding

OFFICERS = frozenset({Role.OFFICER, Role.SQUADRON_LEADER})
HEADS = frozenset({Role.SQUADRON_LEADER, Role.LEADER})  # 行政机关负责人
HEARING_ROLES = frozenset({Role.LEGAL_REVIEWER, Role.SQUADRON_LEADER, Role.LEADER})
REVIEWERS = frozenset({Role.LEGAL_REVIEWER})
CORRECTION_ROLES = frozenset({Role.SQUADRON_LEADER, Role.LEADER, Role.LEGAL_REVIEWER})

BEFORE_DECISION = frozenset(
    {
        S.INVESTIGATION,
        S.NOTICE_ISSUED,
        S.STATEMENT,
        S.HEARING_REQUESTED,
        S.HEARING_SCHEDULED,
        S.LEGAL_REVIEW,
        S.COLLECTIVE_DISCUSSION,
        S.AWAITING_DECISION,
    }
)
CORRECTABLE = frozenset({S.DECIDED, *UNPAID_STATES})
MAX_TEXT = 20000
MAX_FILES = 10
EVIDENCE_OWNER_RECORD = "penalty.investigationrecord"
EVIDENCE_OWNER_SERVICE = "penalty.service"
EVIDENCE_OWNER_PROCEEDING = "penalty.proceeding"


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_state: str | None
    roles: frozenset[str]
    event: str


def _t(from_states: Iterable[str], to_state: str | None, roles: Iterable[str], event: str) -> Transition:
    return Transition(frozenset(from_states), to_state, frozenset(roles), event)


TRANSITIONS: dict[str, Transition] = {
    "open": _t(CREATED, S.INVESTIGATION, OFFICERS, "opened"),
    "summary_decide": _t(CREATED, S.AWAITING_PAYMENT, OFFICERS, "decided_on_the_spot"),
    "assign_officers": _t(BEFORE_DECISION, None, OFFICERS, "officers_assigned"),
    "classify": _t(BEFORE_DECISION, None, HEADS, "classified"),
    "add_record": _t([S.INVESTIGATION], None, OFFICERS, "record_added"),
    "extend": _t(BEFORE_DECISION, None, HEADS, "extended"),
    "issue_notice": _t([S.INVESTIGATION], S.NOTICE_ISSUED, OFFICERS, "notice_issued"),
    "serve_notice": _t([S.NOTICE_ISSUED], S.STATEMENT, OFFICERS, "notice_served"),
    "record_statement": _t(
        [S.STATEMENT, S.HEARING_REQUESTED, S.HEARING_SCHEDULED], None, OFFICERS, "statement_recorded"
    ),
    "request_hearing": _t([S.STATEMENT], S.HEARING_REQUESTED, OFFICERS, "hearing_requested"),
    "waive": _t([S.STATEMENT], ROUTED, OFFICERS, "rights_waived"),
    "close_statement": _t([S.STATEMENT], ROUTED, OFFICERS, "statement_closed"),
    "schedule_hearing": _t([S.HEARING_REQUESTED], S.HEARING_SCHEDULED, HEARING_ROLES, "hearing_scheduled"),
    "hold_hearing": _t([S.HEARING_SCHEDULED], ROUTED, HEARING_ROLES, "hearing_held"),
    "legal_review": _t([S.LEGAL_REVIEW], ROUTED, REVIEWERS, "legal_review"),
    "collective_discussion": _t(
        [S.COLLECTIVE_DISCUSSION], S.AWAITING_DECISION, HEADS, "collective_discussion"
    ),
    "decide": _t([S.AWAITING_DECISION], S.DECIDED, HEADS, "decided"),
    "serve_decision": _t([S.DECIDED], S.AWAITING_PAYMENT, OFFICERS, "decision_served"),
    "record_payment": _t(UNPAID_STATES, None, OFFICERS, "payment_recorded"),
    "issue_demand": _t([S.AWAITING_PAYMENT], S.DEMAND_ISSUED, OFFICERS, "demand_issued"),
    "serve_demand": _t([S.DEMAND_ISSUED], S.DEMAND_SERVED, OFFICERS, "demand_served"),
    "apply_to_court": _t([S.DEMAND_SERVED], S.COURT_APPLIED, HEADS, "court_applied"),
    "file_summary": _t([*UNPAID_STATES, S.PAID, S.CLOSED], None, OFFICERS, "summary_filed"),
    "propose_correction": _t(CORRECTABLE, None, CORRECTION_ROLES, "correction_proposed"),
    "decide_correction": _t(CORRECTABLE, None, CORRECTION_ROLES, "correction_decided"),
}

ACTION_LABELS = {
    "open": gettext_lazy("open proceedings"),
    "summary_decide": gettext_lazy("decide on the spot"),
    "assign_officers": gettext_lazy("assign officers"),
    "classify": gettext_lazy("mark the case major or complex"),
    "add_record": gettext_lazy("add an investigation record"),
    "extend": gettext_lazy("extend the time limit"),
    "issue_notice": gettext_lazy("issue the notice of intended penalty"),
    "serve_notice": gettext_lazy("serve the notice"),
    "record_statement": gettext_lazy("record a statement"),
    "request_hearing": gettext_lazy("record a hearing request"),
    "waive": gettext_lazy("record a waiver"),
    "close_statement": gettext_lazy("close the statement period"),
    "schedule_hearing": gettext_lazy("schedule the hearing"),
    "hold_hearing": gettext_lazy("record the hearing"),
    "legal_review": gettext_lazy("legal review"),
    "collective_discussion": gettext_lazy("record the collective discussion"),
    "decide": gettext_lazy("decide"),
    "serve_decision": gettext_lazy("serve the decision"),
    "record_payment": gettext_lazy("record a payment"),
    "issue_demand": gettext_lazy("issue a demand notice"),
    "serve_demand": gettext_lazy("serve the demand notice"),
    "apply_to_court": gettext_lazy("apply to the court"),
    "file_summary": gettext_lazy("file the on-the-spot decision"),
    "propose_correction": gettext_lazy("propose a correction of the fine"),
    "decide_correction": gettext_lazy("approve or refuse a correction"),
}

# Fields of a proceeding whose old and new values an event records when they change.
TRACKED_FIELDS = (
    "state",
    "is_major",
    "is_complex",
    "notice_served_on",
    "statement_closed_at",
    "decided_on",
    "served_on",
    "payment_due",
    "demand_served_on",
    "court_applied_on",
    "paid_on",
    "filed_on",
    "closed_at",
    "extension_days",
)


# --- small helpers ------------------------------------------------------------------------------------


def _acting(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    return actor


def _today(now: dt.datetime) -> dt.date:
    return to_city(now).date()


def _text(value: Any, name: str, *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("Give the %(field)s.") % {"field": name}, field=name)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.") % {"field": name, "limit": MAX_TEXT},
            field=name,
        )
    return text


def _money(value: Any, name: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Give the %(field)s.") % {"field": name}, field=name)
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(field)s must be an amount in yuan.") % {"field": name}, field=name) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= Decimal("1e10")
        or amount != amount.quantize(rules.CENT)
    ):
        raise InvalidInput(
            _("%(field)s must be an amount in yuan with at most two decimals.") % {"field": name}, field=name
        )
    return amount


def _date(value: Any, name: str, *, today: dt.date, default: dt.date | None = None) -> dt.date:
    if value is None or value == "":
        if default is None:
            raise InvalidInput(_("Give the %(field)s.") % {"field": name}, field=name)
        return default
    if isinstance(value, dt.datetime):
        value = to_city(value).date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(
                _("%(field)s must be a date (YYYY-MM-DD).") % {"field": name}, field=name
            ) from None
    if value > today:
        raise InvalidInput(_("%(field)s lies in the future.") % {"field": name}, field=name)
    return value


def _moment(value: Any, name: str, *, now: dt.datetime | None = None, future: bool = False) -> dt.datetime:
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value) if value else None
        value = parsed
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InvalidInput(
            _("%(field)s must be a date and time with a time zone.") % {"field": name}, field=name
        )
    if not future and now is not None and value > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("%(field)s lies in the future.") % {"field": name}, field=name)
    return value


def _users(ids: Iterable[Any], name: str) -> list[Any]:
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise InvalidInput(_("%(field)s must be a list of user ids.") % {"field": name}, field=name) from None
    found = list(get_user_model().objects.filter(pk__in=wanted, is_active=True))
    if len(found) != len(wanted):
        raise InvalidInput(_("Some of %(field)s are not active users.") % {"field": name}, field=name)
    for user in found:
        if not user.has_role(*OFFICERS):
            raise InvalidInput(
                _("%(user)s is not an enforcement officer.") % {"user": user}, field=name, user=user.pk
            )
    return found


def _stage(files: Iterable[Any] | None) -> list[StagedFile]:
    uploads = list(files or ())
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("At most %(n)s files per step.") % {"n": MAX_FILES}, field="files")
    try:
        return [stage_evidence_file(upload) for upload in uploads]
    except ChengguanError as exc:
        exc.field = "files"
        raise


def _store(staged: list[StagedFile], owner_type: str, owner_id: int, actor: Any) -> list[int]:
    return [
        store_evidence(item, owner_type=owner_type, owner_id=str(owner_id), uploaded_by=actor).pk
        for item in staged
    ]


def next_number(kind: str, year: int) -> int:
    """The next number of the bureau's yearly series ``kind`` (compare-and-set, safe for many processes)."""
    for _attempt in range(20):
        series, _created = NumberSeries.objects.get_or_create(kind=kind, year=year)
        if NumberSeries.objects.filter(pk=series.pk, last=series.last).update(last=series.last + 1):
            return series.last + 1
    raise Conflict()


def _snapshot(p: Proceeding) -> dict[str, Any]:
    from chengguan.cases.events import jsonable

    return {name: jsonable(getattr(p, name)) for name in TRACKED_FIELDS}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {"old": {k: before.get(k) for k in changed}, "new": {k: after[k] for k in changed}}


# --- guards --------------------------------------------------------------------------------------------


def check_actor(action: str, place: str, actor: Any) -> Any:
    """The acting user if their role and territory allow ``action`` at ``place``; else ``AccessDenied``."""
    user = _acting(actor)
    if user is None:
        raise WrongRole(_("Sign in first."), field="actor", action=action)
    if not user.has_role(*TRANSITIONS[action].roles):
        raise WrongRole(
            _("Your role may not do this in a penalty procedure: %(action)s.")
            % {"action": ACTION_LABELS[action]},
            field="actor",
            action=action,
        )
    if not can_act_at(user, place):
        raise AccessDenied(field="location", place=place, action=action)
    return user


def check_state(action: str, p: Proceeding) -> None:
    if p.state not in TRANSITIONS[action].from_states:
        raise InvalidTransition(
            _("A proceeding in the state “%(state)s” does not allow this: %(action)s.")
            % {"state": State(p.state).label, "action": ACTION_LABELS[action]},
            state=p.state,
            version=p.version,
            action=action,
        )


def can_do(action: str, p: Proceeding, actor: Any) -> bool:
    try:
        check_actor(action, p.grid_code, actor)
        check_state(action, p)
    except ChengguanError:
        return False
    if action == "file_summary":
        return p.procedure == Procedure.SUMMARY and p.filed_on is None
    if action == "decide_correction":
        return p.corrections.filter(status=FineCorrection.Status.PENDING).exists()
    return True


def allowed_actions(p: Proceeding, actor: Any) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if t.from_states != CREATED and can_do(a, p, actor)]


def _load(proceeding_id: Any) -> Proceeding:
    try:
        return Proceeding.objects.select_related("party", "violation").get(pk=int(proceeding_id))
    except (Proceeding.DoesNotExist, TypeError, ValueError):
        raise ProceedingNotFound(field="proceeding", proceeding=proceeding_id) from None


def _check_version(version: Any) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidInput(_("version must be the proceeding's version number."), field="version")
    return version


def _begin(action: str, proceeding_id: Any, *, actor: Any, version: Any) -> tuple[Proceeding, Any]:
    p = _load(proceeding_id) if not isinstance(proceeding_id, Proceeding) else _load(proceeding_id.pk)
    user = check_actor(action, p.grid_code, actor)
    check_state(action, p)
    if _check_version(version) != p.version:
        raise StaleVersion(state=p.state, version=p.version)
    return p, user


def _stale(pk: int) -> StaleVersion:
    row = Proceeding.objects.filter(pk=pk).values("state", "version").first() or {"state": "", "version": 0}
    return StaleVersion(state=row["state"], version=row["version"])


def _apply(
    action: str,
    p: Proceeding,
    *,
    actor: Any,
    changes: dict[str, Any],
    now: dt.datetime,
    note: str = "",
    payload: dict[str, Any] | None = None,
    also: Callable[[Proceeding], dict[str, Any] | None] | None = None,
) -> Proceeding:
    """Move ``p`` (as read, at its version) by compare-and-set and write the records, event and audit entry."""
    before = _snapshot(p)
    with transaction.atomic():
        updated = Proceeding.objects.filter(pk=p.pk, version=p.version, state=p.state).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if not updated:
            raise _stale(p.pk)
        p = _load(p.pk)
        extra = also(p) if also is not None else None
        body = {**_diff(before, _snapshot(p)), **(payload or {}), **(extra or {})}
        _event(
            p, TRANSITIONS[action].event, actor=actor, before=before["state"], note=note, payload=body, at=now
        )
        audit_record(
            f"penalty.{action}",
            actor=actor,
            target=p,
            payload={"number": p.number, "version": p.version, "note": note, **body},
        )
    return p


def _event(
    p: Proceeding,
    action: str,
    *,
    actor: Any,
    before: str,
    note: str,
    payload: dict[str, Any],
    at: dt.datetime,
) -> ProceedingEvent:
    return ProceedingEvent.objects.create(
        proceeding=p,
        action=action,
        actor=actor if getattr(actor, "pk", None) is not None else None,
        at=at,
        from_state=before,
        to_state=p.state,
        note=note,
        payload=normalise_payload(payload),
    )


# --- rules shared by several steps ---------------------------------------------------------------------


def _officer_ids(p: Proceeding) -> set[int]:
    return set(p.officers.values_list("pk", flat=True))


def _investigators(p: Proceeding) -> set[int]:
    """Everybody who investigated or charged: officers in charge, record officers, the opener, notice issuers."""
    ids = _officer_ids(p) | {p.opened_by_id}
    ids |= set(
        InvestigationRecord.officers.through.objects.filter(investigationrecord__proceeding=p).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(p.notices.values_list("issued_by_id", flat=True))
    return ids


def _check_decision_limit(p: Proceeding, today: dt.date) -> None:
    limit = deadlines.decision_due(p.opened_on, p.extension_days)
    if today > limit:
        raise LegalBar(
            _(
                "The 90 days to decide after opening the proceedings (Administrative Penalty Law art. 60) "
                "ended on %(due)s and no extension covers today; approve an extension first."
            )
            % {"due": limit.isoformat()},
            rule="decision_limit",
            due=limit.isoformat(),
        )


def _check_limitation(
    occurred_on: dt.date, continuing_until: dt.date | None, long: bool, today: dt.date
) -> None:
    start = continuing_until or occurred_on
    end = deadlines.limitation_end(start, long=long)
    if today > end:
        years = get_limit(Limit.LIMITATION_LONG if long else Limit.LIMITATION).amount // 12
        raise LegalBar(
            _(
                "The violation of %(start)s was not discovered within %(years)s years (limitation period, "
                "Administrative Penalty Law art. 36, ended on %(end)s): no penalty may be imposed."
            )
            % {"start": start.isoformat(), "years": years, "end": end.isoformat()},
            rule="limitation",
            end=end.isoformat(),
        )


def _check_recording(p: Proceeding) -> None:
    if not get_policy().require_recording:
        return
    record_ids = [str(i) for i in p.records.values_list("pk", flat=True)]
    if not Evidence.objects.filter(
        owner_type=EVIDENCE_OWNER_RECORD,
        owner_id__in=record_ids,
        kind__in=[EvidenceKind.AUDIO, EvidenceKind.VIDEO],
    ).exists():
        raise LegalBar(
            _(
                "No audio or video record of the enforcement is attached (全过程记录, Administrative Penalty "
                "Law art. 47): attach it to an investigation record first."
            ),
            rule="recording",
        )


@dataclass(frozen=True)
class FineChoice:
    fine: Decimal
    benchmark: Decimal | None
    justification: str


def choose_fine(
    violation: Any,
    fine: Decimal | None,
    justification: str,
    *,
    circumstances: dict[str, Any] | None = None,
    base_amount: Decimal | None = None,
) -> FineChoice:
    """The fine: the discretion benchmark's proposal (``enforcement.discretion``) unless the officer
    gives another amount with a justification; without a benchmark, the amount the officer gives."""
    proposal = _benchmark(violation, circumstances or {}, base_amount)
    if proposal is None:
        if fine is None:
            raise InvalidInput(
                _("No discretion benchmark proposes a fine for this violation: give the fine."), field="fine"
            )
        return FineChoice(fine, None, justification)
    from chengguan.enforcement.discretion import check_fine_departure

    amount = proposal.proposed if fine is None else fine
    check_fine_departure(proposal, amount, justification)
    return FineChoice(amount, proposal.proposed, justification)


def _benchmark(violation: Any, circumstances: dict[str, Any], base_amount: Decimal | None) -> Any:
    try:
        from chengguan.enforcement import discretion
    except ImportError:  # the ledger app has no benchmarks yet
        return None
    if base_amount is not None:
        circumstances = {**circumstances, "base_amount": base_amount}
    try:
        return discretion.propose_fine(
            violation.violation_type, discretion.circumstances_of(violation, **circumstances)
        )
    except NotFound:  # no benchmark row for these circumstances
        return None
    except TypeError:
        raise InvalidInput(_("Unknown circumstances."), field="circumstances") from None


def _latest_notice(p: Proceeding) -> PenaltyNotice | None:
    return p.notices.order_by("-issued_at", "-pk").first()


def _latest_hearing(p: Proceeding) -> Hearing | None:
    return p.hearings.order_by("-requested_on", "-pk").first()


def _defended_since(p: Proceeding, since: dt.datetime) -> dt.datetime | None:
    """When the party last stated, defended or asked for a hearing after ``since`` (None: never)."""
    return (
        p.statements.filter(
            kind__in=[StatementKind.STATEMENT, StatementKind.HEARING_REQUEST], created_at__gte=since
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _review_required(p: Proceeding, notice: PenaltyNotice) -> bool:
    hearing = _latest_hearing(p)
    heard = bool(
        hearing and hearing.held_at and not hearing.party_absent and hearing.held_at >= notice.issued_at
    )
    return rules.review_required(get_policy().thresholds(), fine=notice.fine, heard=heard, major=p.is_major)


def _route(p: Proceeding) -> str:
    """Where the procedure goes once the party has been heard: legal review, discussion or decision."""
    notice = _latest_notice(p)
    if notice is None:
        return S.AWAITING_DECISION
    if (
        _review_required(p, notice)
        and not p.reviews.filter(result=ReviewResult.APPROVED, reviewed_at__gte=notice.issued_at).exists()
    ):
        return S.LEGAL_REVIEW
    if p.is_complex and not p.discussions.filter(held_at__gte=notice.issued_at).exists():
        return S.COLLECTIVE_DISCUSSION
    return S.AWAITING_DECISION


def _rights_text(hearing_right: bool) -> str:
    statement = get_limit(Limit.STATEMENT)
    parts = [
        _(
            "You have the right to state your case and defend yourself within %(limit)s after this notice "
            "is served on you (Administrative Penalty Law art. 44–45); the penalty will not be made heavier "
            "because you do."
        )
        % {"limit": statement.describe()}
    ]
    if hearing_right:
        parts.append(
            _(
                "You have the right to ask for a hearing within %(limit)s after this notice is served "
                "(art. 63–64); the hearing costs you nothing."
            )
            % {"limit": get_limit(Limit.HEARING_REQUEST).describe()}
        )
    parts.append(_("Without a statement or a hearing request in time, you are taken to waive these rights."))
    return " ".join(parts)


def _service(
    p: Proceeding,
    document: str,
    data: dict[str, Any],
    *,
    today: dt.date,
    not_before: dt.date,
    actor: Any,
) -> dict[str, Any]:
    """Validate the service of ``document`` (art. 61, Civil Procedure Law) → the ``Service`` fields."""
    method = data.get("method")
    if method not in ServiceMethod.values:
        raise InvalidInput(
            _("method must be one of %(choices)s.") % {"choices": ", ".join(ServiceMethod.values)},
            field="method",
        )
    served_on = _date(data.get("served_on"), "served_on", today=today, default=today)
    if served_on < not_before:
        raise InvalidInput(_("A document cannot be served before it was issued."), field="served_on")
    recipient = _text(
        data.get("recipient"),
        "recipient",
        required=method in (ServiceMethod.IN_PERSON, ServiceMethod.ENTRUSTED, ServiceMethod.LEFT_AT_DOMICILE),
    )
    witness = _text(data.get("witness"), "witness", required=method == ServiceMethod.LEFT_AT_DOMICILE)
    tracking = _text(data.get("tracking_number"), "tracking_number", required=method == ServiceMethod.POST)
    consent = bool(data.get("consent_confirmed", False))
    if method == ServiceMethod.ELECTRONIC and not consent:
        raise LegalBar(
            _(
                "Service by fax or e-mail needs the party's signed consent (Administrative Penalty Law art. 61)."
            ),
            rule="service_consent",
            field="consent_confirmed",
        )
    return {
        "proceeding": p,
        "document": document,
        "method": method,
        "served_on": served_on,
        "recipient": recipient,
        "address": _text(data.get("address"), "address", required=False)[:200],
        "witness": witness,
        "consent_confirmed": consent,
        "tracking_number": tracking,
        "note": _text(data.get("note"), "note", required=False),
        "recorded_by": actor,
    }


def _save_service(fields: dict[str, Any], staged: list[StagedFile], actor: Any) -> dict[str, Any]:
    service = Service.objects.create(**fields)
    evidence = _store(staged, EVIDENCE_OWNER_SERVICE, service.pk, actor)
    return {
        "service": service.pk,
        "method": service.method,
        "served_on": service.served_on,
        "evidence": evidence,
    }


def _paid_total(p: Proceeding) -> Decimal:
    return p.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def amount_owed(p: Proceeding, on: dt.date) -> dict[str, Decimal]:
    """Fine, late surcharge on ``on``, paid so far and what remains (the surcharge is on the whole fine)."""
    decision = p.current_decision()
    fine = decision.fine if decision is not None else Decimal("0")
    surcharge = Decimal("0.00")
    if p.payment_due is not None:
        end = min(on, p.paid_on) if p.paid_on else on
        surcharge = rules.late_surcharge(fine, p.payment_due, end, get_policy().surcharge_rate)
    paid = _paid_total(p)
    return {
        "fine": rules.money(fine),
        "surcharge": surcharge,
        "paid": rules.money(paid),
        "outstanding": rules.money(max(fine + surcharge - paid, Decimal(0))),
    }


# --- opening -------------------------------------------------------------------------------------------


def _violation(value: Any) -> Any:
    from chengguan.enforcement.models import Violation

    if isinstance(value, Violation):
        return value
    try:
        return Violation.objects.select_related("party", "violation_type").get(pk=int(value))
    except (Violation.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(_("There is no violation %(id)s.") % {"id": value}, field="violation") from None


def _opening_checks(
    violation: Any, user: Any, *, continuing_until: Any, long_limitation: bool, today: dt.date
) -> tuple[dt.date, dt.date | None]:
    if Proceeding.objects.filter(violation=violation).exclude(state__in=FINISHED_STATES).exists():
        raise Conflict(_("This violation already has open proceedings."), field="violation")
    occurred_on = to_city(violation.occurred_at).date()
    until = None
    if continuing_until not in (None, ""):
        until = _date(continuing_until, "continuing_until", today=today)
        if until < occurred_on:
            raise InvalidInput(
                _("A continuing violation cannot end before it began."), field="continuing_until"
            )
    _check_limitation(occurred_on, until, long_limitation, today)
    return occurred_on, until


def open_proceeding(
    violation: Any,
    *,
    actor: Any,
    officers: Iterable[Any] | None = None,
    continuing_until: Any = None,
    long_limitation: bool = False,
    is_major: bool = False,
    is_complex: bool = False,
    note: str = "",
) -> Proceeding:
    """立案: open ordinary proceedings against the party of ``violation`` (an instance or its id).

    Refused after the limitation period (art. 36) and when the violation already has open
    proceedings. The officers in charge default to the actor and the violation's officer.
    """
    violation = _violation(violation)
    user = check_actor("open", violation.grid_code, actor)
    now = timezone.now()
    today = _today(now)
    note = _text(note, "note", required=False)
    occurred_on, until = _opening_checks(
        violation, user, continuing_until=continuing_until, long_limitation=long_limitation, today=today
    )
    if officers is None:  # the actor and the violation's officer, if an enforcement officer
        found = violation.officer if violation.officer_id else None
        ids = [user.pk] + ([found.pk] if found is not None and found.has_role(*OFFICERS) else [])
    else:
        ids = list(officers)
    team = _users(ids, "officers")
    with transaction.atomic():
        p = Proceeding.objects.create(
            number=f"XZCF{today.year}{next_number('proceeding', today.year):05d}",
            procedure=Procedure.ORDINARY,
            state=S.INVESTIGATION,
            violation=violation,
            party=violation.party,
            grid_code=violation.grid_code,
            district_code=violation.district_code,
            occurred_on=occurred_on,
            continuing_until=until,
            long_limitation=bool(long_limitation),
            is_major=bool(is_major),
            is_complex=bool(is_complex),
            opened_at=now,
            opened_on=today,
            opened_by=user,
            updated_at=now,
        )
        p.officers.set(team)
        body = {
            "violation": violation.pk,
            "party": violation.party_id,
            "officers": sorted(u.pk for u in team),
            "decision_due": deadlines.decision_due(today),
        }
        _event(p, "opened", actor=user, before="", note=note, payload=body, at=now)
        audit_record("penalty.open", actor=user, target=p, payload={"number": p.number, "note": note, **body})
    return p


# --- investigation -------------------------------------------------------------------------------------


def assign_officers(proceeding_id: Any, *, actor: Any, version: int, officers: Iterable[Any]) -> Proceeding:
    p, user = _begin("assign_officers", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    team = _users(officers, "officers")
    check_two_officers([u.pk for u in team], _today(now))
    old = sorted(_officer_ids(p))

    def also(p: Proceeding) -> dict[str, Any]:
        p.officers.set(team)
        return {"officers": {"old": old, "new": sorted(u.pk for u in team)}}

    return _apply("assign_officers", p, actor=user, changes={}, now=now, also=also)


def classify(
    proceeding_id: Any, *, actor: Any, version: int, is_major: bool, is_complex: bool, reason: str
) -> Proceeding:
    """A head marks the case major (legal review required, art. 58) or complex (collective discussion,
    art. 57), or lifts the mark, with a reason."""
    p, user = _begin("classify", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    reason = _text(reason, "reason")
    changes = {"is_major": bool(is_major), "is_complex": bool(is_complex)}
    return _apply("classify", p, actor=user, changes=changes, now=now, note=reason)


def add_record(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    kind: str,
    content: str,
    officers: Iterable[Any],
    started_at: Any = None,
    ended_at: Any = None,
    place: str = "",
    interviewee: str = "",
    files: Iterable[Any] | None = None,
) -> Proceeding:
    """调查取证: an interview record, a site inspection record or other evidence, made by at least two
    officers holding credentials, with its files (photos, audio, video, documents)."""
    p, user = _begin("add_record", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    if kind not in RecordKind.values:
        raise InvalidInput(
            _("kind must be one of %(choices)s.") % {"choices": ", ".join(RecordKind.values)}, field="kind"
        )
    content = _text(content, "content")
    interviewee = _text(interviewee, "interviewee", required=kind == RecordKind.INTERVIEW)[:100]
    place = _text(place, "place", required=kind == RecordKind.SITE_INSPECTION)[:200]
    start = _moment(started_at or now, "started_at", now=now)
    end = _moment(ended_at, "ended_at", now=now) if ended_at else None
    if end is not None and end < start:
        raise InvalidInput(_("A record cannot end before it started."), field="ended_at")
    team = _users(officers, "officers")
    check_two_officers([u.pk for u in team], to_city(start).date())
    staged = _stage(files)

    def also(p: Proceeding) -> dict[str, Any]:
        record = InvestigationRecord.objects.create(
            proceeding=p,
            kind=kind,
            started_at=start,
            ended_at=end,
            place=place,
            interviewee=interviewee,
            content=content,
            recorded_by=user,
            created_at=now,
        )
        record.officers.set(team)
        return {
            "record": record.pk,
            "kind": kind,
            "evidence": _store(staged, EVIDENCE_OWNER_RECORD, record.pk, user),
        }

    return _apply("add_record", p, actor=user, changes={}, now=now, also=also)


def extend(
    proceeding_id: Any, *, actor: Any, version: int, days: int, reason: str, collective: bool = False
) -> Proceeding:
    """Extend the decision limit (art. 60 "unless laws, regulations or rules provide otherwise"): a head
    approves one extension of at most the configured days; any further one needs a collective discussion."""
    p, user = _begin("extend", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    reason = _text(reason, "reason")
    most = get_limit(Limit.EXTENSION).amount
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        raise InvalidInput(_("days must be a whole number from 1 to %(n)s.") % {"n": most}, field="days")
    _check_decision_limit(p, _today(now))
    if p.extensions.exists() and not collective:
        raise LegalBar(
            _("A further extension must be decided by a collective discussion of the heads of the bureau."),
            rule="extension",
            field="collective",
        )

    def also(p: Proceeding) -> dict[str, Any]:
        row = DeadlineExtension.objects.create(
            proceeding=p,
            days=days,
            reason=reason,
            collective=bool(collective),
            approved_by=user,
            approved_at=now,
        )
        return {"extension": row.pk, "decision_due": deadlines.decision_due(p.opened_on, p.extension_days)}

    return _apply(
        "extend",
        p,
        actor=user,
        changes={"extension_days": F("extension_days") + days},
        now=now,
        note=reason,
        also=also,
    )


# --- notice of intended penalty, statement and hearing ----------------------------------------------


def issue_notice(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    facts: str,
    reasons: str,
    legal_basis: str,
    penalty_kind: str,
    fine: Any = None,
    confiscation: Any = 0,
    justification: str = "",
    provisions: Iterable[Any] | None = None,
    circumstances: dict[str, Any] | None = None,
    base_amount: Any = None,
) -> Proceeding:
    """行政处罚事先告知 (art. 44): the facts, reasons and legal basis of the intended penalty, and the
    party's rights (statement and defence; a hearing where art. 63 gives one)."""
    p, user = _begin("issue_notice", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    facts = _text(facts, "facts")
    reasons = _text(reasons, "reasons")
    legal_basis = _text(legal_basis, "legal_basis")
    if penalty_kind not in PenaltyKind.values:
        raise InvalidInput(
            _("penalty_kind must be one of %(choices)s.") % {"choices": ", ".join(PenaltyKind.values)},
            field="penalty_kind",
        )
    if not p.records.exists():
        raise LegalBar(
            _("Investigate first: the notice needs at least one investigation record."), rule="investigation"
        )
    check_two_officers(_officer_ids(p), today)
    _check_decision_limit(p, today)
    amount = _money(fine, "fine", required=False)
    conf = _money(confiscation, "confiscation", required=False) or Decimal(0)
    justification = _text(justification, "justification", required=False)
    choice = FineChoice(Decimal(0), None, justification)
    if penalty_kind != PenaltyKind.WARNING:
        choice = choose_fine(
            p.violation,
            amount,
            justification,
            circumstances=circumstances,
            base_amount=_money(base_amount, "base_amount", required=False),
        )
    elif amount:
        raise InvalidInput(_("A warning carries no fine."), field="fine")
    previous = _latest_notice(p)
    if previous is not None:
        defended = _defended_since(p, previous.issued_at)
        heavier = rules.is_heavier(
            (penalty_kind, choice.fine, conf), (previous.penalty_kind, previous.fine, previous.confiscation)
        )
        if heavier and defended is not None and not p.records.filter(created_at__gt=defended).exists():
            raise LegalBar(
                _(
                    "The party stated their case or asked for a hearing against the earlier notice: the "
                    "penalty may not be made heavier because they defended themselves (Administrative "
                    "Penalty Law art. 45). Only new facts found by a new investigation record allow it."
                ),
                rule="no_heavier",
                field="fine",
            )
    provision_ids = _provisions(p, provisions)
    hearing_right = rules.has_hearing_right(
        get_policy().thresholds(), p.party.kind, penalty_kind, choice.fine, conf
    )

    def also(p: Proceeding) -> dict[str, Any]:
        notice = PenaltyNotice.objects.create(
            proceeding=p,
            facts=facts,
            reasons=reasons,
            legal_basis=legal_basis,
            penalty_kind=penalty_kind,
            fine=choice.fine,
            confiscation=conf,
            benchmark_fine=choice.benchmark,
            departure_reason=choice.justification,
            hearing_right=hearing_right,
            rights_text=_rights_text(hearing_right),
            issued_by=user,
            issued_at=now,
        )
        notice.provisions.set(provision_ids)
        return {
            "notice": notice.pk,
            "penalty_kind": penalty_kind,
            "fine": choice.fine,
            "benchmark_fine": choice.benchmark,
            "hearing_right": hearing_right,
        }

    return _apply("issue_notice", p, actor=user, changes={"state": S.NOTICE_ISSUED}, now=now, also=also)


def _provisions(p: Proceeding, provisions: Iterable[Any] | None) -> list[int]:
    from chengguan.enforcement.models import LegalProvision

    if provisions is None:
        return list(p.violation.violation_type.provisions.values_list("pk", flat=True))
    try:
        ids = {int(i) for i in provisions}
    except (TypeError, ValueError):
        raise InvalidInput(_("provisions must be a list of ids."), field="provisions") from None
    if LegalProvision.objects.filter(pk__in=ids).count() != len(ids):
        raise InvalidInput(_("Some provisions do not exist."), field="provisions")
    return sorted(ids)


def serve_notice(
    proceeding_id: Any, *, actor: Any, version: int, files: Iterable[Any] | None = None, **service: Any
) -> Proceeding:
    p, user = _begin("serve_notice", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    notice = _latest_notice(p)
    assert notice is not None  # the state guarantees it
    fields = _service(
        p,
        Document.NOTICE,
        service,
        today=_today(now),
        not_before=to_city(notice.issued_at).date(),
        actor=user,
    )
    staged = _stage(files)
    return _apply(
        "serve_notice",
        p,
        actor=user,
        changes={"state": S.STATEMENT, "notice_served_on": fields["served_on"], "statement_closed_at": None},
        now=now,
        also=lambda p: _save_service(fields, staged, user),
    )


def _statement_row(
    p: Proceeding, kind: str, content: str, received_on: dt.date, user: Any, now: dt.datetime
) -> PartyStatement:
    return PartyStatement.objects.create(
        proceeding=p, kind=kind, content=content, received_on=received_on, recorded_by=user, created_at=now
    )


def record_statement(
    proceeding_id: Any, *, actor: Any, version: int, content: str, received_on: Any = None
) -> Proceeding:
    """陈述申辩: what the party says in their defence (written down; art. 45 requires it to be reviewed)."""
    p, user = _begin("record_statement", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    content = _text(content, "content")
    day = _date(received_on, "received_on", today=_today(now), default=_today(now))
    return _apply(
        "record_statement",
        p,
        actor=user,
        changes={},
        now=now,
        also=lambda p: {"statement": _statement_row(p, StatementKind.STATEMENT, content, day, user, now).pk},
    )


def request_hearing(
    proceeding_id: Any, *, actor: Any, version: int, received_on: Any = None, content: str = ""
) -> Proceeding:
    """听证申请 (art. 63–64): only where the intended penalty gives the right, within 5 working days."""
    p, user = _begin("request_hearing", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    day = _date(received_on, "received_on", today=_today(now), default=_today(now))
    content = _text(content, "content", required=False)
    notice = _latest_notice(p)
    assert notice is not None and p.notice_served_on is not None
    if not notice.hearing_right:
        raise LegalBar(
            _("The intended penalty does not give the party a right to a hearing (art. 63)."),
            rule="hearing_right",
        )
    last = deadlines.hearing_request_due(p.notice_served_on)
    if day > last:
        raise LegalBar(
            _(
                "The hearing had to be requested by %(due)s (5 working days after the notice was served, art. 64)."
            )
            % {"due": last.isoformat()},
            rule="hearing_request_late",
            field="received_on",
            due=last.isoformat(),
        )

    def also(p: Proceeding) -> dict[str, Any]:
        statement = _statement_row(p, StatementKind.HEARING_REQUEST, content, day, user, now)
        hearing = Hearing.objects.create(proceeding=p, requested_on=day)
        return {"statement": statement.pk, "hearing": hearing.pk}

    return _apply(
        "request_hearing", p, actor=user, changes={"state": S.HEARING_REQUESTED}, now=now, also=also
    )


def waive(
    proceeding_id: Any, *, actor: Any, version: int, content: str, received_on: Any = None
) -> Proceeding:
    """The party expressly gives up statement and hearing (明确放弃), in writing."""
    p, user = _begin("waive", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    content = _text(content, "content")
    day = _date(received_on, "received_on", today=_today(now), default=_today(now))
    route = _route(p)

    def also(p: Proceeding) -> dict[str, Any]:
        return {"statement": _statement_row(p, StatementKind.WAIVER, content, day, user, now).pk}

    return _apply(
        "waive",
        p,
        actor=user,
        changes={"state": route, "statement_closed_at": now},
        now=now,
        note=content,
        also=also,
    )


def close_statement(proceeding_id: Any, *, actor: Any, version: int, review_note: str = "") -> Proceeding:
    """The party's window is over: the statements are reviewed (复核, art. 45) and the procedure goes on."""
    p, user = _begin("close_statement", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    notice = _latest_notice(p)
    assert notice is not None and p.notice_served_on is not None
    end = deadlines.statement_period_end(p.notice_served_on, notice.hearing_right)
    if _today(now) <= end:
        raise LegalBar(
            _("The party may still state their case or ask for a hearing until %(due)s.")
            % {"due": end.isoformat()},
            rule="statement_period",
            due=end.isoformat(),
        )
    defended = _defended_since(p, notice.issued_at) is not None
    review_note = _text(review_note, "review_note", required=defended)
    route = _route(p)
    return _apply(
        "close_statement",
        p,
        actor=user,
        changes={"state": route, "statement_closed_at": now},
        now=now,
        note=review_note,
        payload={"review_note": review_note},
    )


def schedule_hearing(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    scheduled_for: Any,
    place: str,
    host: Any,
    public: bool = True,
    files: Iterable[Any] | None = None,
    **service: Any,
) -> Proceeding:
    """听证通知 (art. 64): time and place served at least 7 working days before; presided by a person
    who did not investigate the case."""
    p, user = _begin("schedule_hearing", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    when = _moment(scheduled_for, "scheduled_for", future=True)
    place = _text(place, "place")[:200]
    try:
        host_user = get_user_model().objects.get(pk=int(host), is_active=True)
    except (get_user_model().DoesNotExist, TypeError, ValueError):
        raise InvalidInput(_("host must be an active user."), field="host") from None
    if host_user.pk in _investigators(p):
        raise LegalBar(
            _("The hearing must be presided by a person who did not investigate the case (art. 64)."),
            rule="hearing_host",
            field="host",
        )
    hearing = _latest_hearing(p)
    assert hearing is not None
    fields = _service(
        p, Document.HEARING_NOTICE, service, today=today, not_before=hearing.requested_on, actor=user
    )
    earliest = deadlines.earliest_hearing(fields["served_on"])
    if to_city(when).date() < earliest:
        raise LegalBar(
            _(
                "The hearing notice must reach the party at least 7 working days before the hearing (art. 64): "
                "served on %(served)s, the hearing may be held on %(earliest)s at the earliest."
            )
            % {"served": fields["served_on"].isoformat(), "earliest": earliest.isoformat()},
            rule="hearing_notice",
            field="scheduled_for",
            earliest=earliest.isoformat(),
        )
    staged = _stage(files)

    def also(p: Proceeding) -> dict[str, Any]:
        Hearing.objects.filter(pk=hearing.pk).update(
            scheduled_for=when,
            place=place,
            host=host_user,
            public=bool(public),
            notice_served_on=fields["served_on"],
        )
        return {
            "hearing": hearing.pk,
            "scheduled_for": when,
            "host": host_user.pk,
            **_save_service(fields, staged, user),
        }

    return _apply(
        "schedule_hearing", p, actor=user, changes={"state": S.HEARING_SCHEDULED}, now=now, also=also
    )


def hold_hearing(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    record: str,
    held_at: Any = None,
    party_absent: bool = False,
) -> Proceeding:
    """听证笔录: the hearing held (or the party absent without reason: the hearing is waived)."""
    p, user = _begin("hold_hearing", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    hearing = _latest_hearing(p)
    assert hearing is not None and hearing.scheduled_for is not None
    when = _moment(held_at or now, "held_at", now=now)
    if to_city(when).date() < to_city(hearing.scheduled_for).date():
        raise InvalidInput(
            _("The hearing cannot be held before the day it was scheduled for."), field="held_at"
        )
    record = _text(record, "record")
    # the route depends on the hearing having been held (a hearing requires a legal review), so the
    # hearing row is written first, inside the same transaction as the move
    with transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(
            held_at=when, record=record, party_absent=bool(party_absent)
        )
        route = _route(p)
        return _apply(
            "hold_hearing",
            p,
            actor=user,
            changes={"state": route, "statement_closed_at": now},
            now=now,
            payload={"hearing": hearing.pk, "party_absent": bool(party_absent)},
        )


# --- legal review, collective discussion, decision -----------------------------------------------------


def legal_review(proceeding_id: Any, *, actor: Any, version: int, result: str, opinion: str) -> Proceeding:
    """法制审核 (art. 58) by a legal reviewer who took no part in the investigation."""
    p, user = _begin("legal_review", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    if result not in ReviewResult.values:
        raise InvalidInput(
            _("result must be one of %(choices)s.") % {"choices": ", ".join(ReviewResult.values)},
            field="result",
        )
    opinion = _text(opinion, "opinion")
    if user.pk in _investigators(p):
        raise LegalBar(
            _("The legal review must be made by a different person from those who investigated the case."),
            rule="reviewer_independent",
            field="actor",
        )

    def also(p: Proceeding) -> dict[str, Any]:
        row = LegalReview.objects.create(
            proceeding=p, reviewer=user, result=result, opinion=opinion, reviewed_at=now
        )
        return {"review": row.pk, "result": result}

    if result == ReviewResult.RETURNED:
        return _apply(
            "legal_review",
            p,
            actor=user,
            changes={"state": S.INVESTIGATION},
            now=now,
            note=opinion,
            also=also,
        )
    with transaction.atomic():
        # the route depends on the review row just written
        row = LegalReview.objects.create(
            proceeding=p, reviewer=user, result=result, opinion=opinion, reviewed_at=now
        )
        route = _route(p)
        return _apply(
            "legal_review",
            p,
            actor=user,
            changes={"state": route},
            now=now,
            note=opinion,
            payload={"review": row.pk, "result": result},
        )


def collective_discussion(
    proceeding_id: Any, *, actor: Any, version: int, participants: str, conclusion: str, held_at: Any = None
) -> Proceeding:
    """集体讨论 (art. 57): the heads of the bureau decide a complex or major case together."""
    p, user = _begin("collective_discussion", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    participants = _text(participants, "participants")
    conclusion = _text(conclusion, "conclusion")
    when = _moment(held_at or now, "held_at", now=now)

    def also(p: Proceeding) -> dict[str, Any]:
        row = CollectiveDiscussion.objects.create(
            proceeding=p, held_at=when, participants=participants, conclusion=conclusion, recorded_by=user
        )
        return {"discussion": row.pk}

    return _apply(
        "collective_discussion", p, actor=user, changes={"state": S.AWAITING_DECISION}, now=now, also=also
    )


def _decision_number(today: dt.date) -> str:
    prefix = get_policy().decision_series
    return f"{prefix}〔{today.year}〕第{next_number('decision', today.year)}号"


def decide(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    outcome: str = Outcome.PENALTY,
    penalty_kind: str = "",
    fine: Any = None,
    confiscation: Any = 0,
    facts: str = "",
    reasons: str = "",
    legal_basis: str = "",
    justification: str = "",
) -> Proceeding:
    """行政处罚决定 (art. 57–62). Refused, each with the rule named, when: the notice of rights was not
    served and answered; a required hearing, legal review or collective discussion is missing; fewer than
    two credentialed officers act; the 90 days (plus approved extensions) are over; the penalty is heavier
    than the notice; no audio or video record is attached; a departure from the benchmark is unexplained."""
    p, user = _begin("decide", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    if outcome not in Outcome.values:
        raise InvalidInput(
            _("outcome must be one of %(choices)s.") % {"choices": ", ".join(Outcome.values)}, field="outcome"
        )
    notice = _latest_notice(p)
    if notice is None or p.notice_served_on is None or p.statement_closed_at is None:
        raise LegalBar(
            _(
                "No decision before the notice of the intended penalty and of the party's rights was served and "
                "the party was heard or waived (Administrative Penalty Law art. 44, 62)."
            ),
            rule="notice_of_rights",
        )
    check_two_officers(_officer_ids(p), today)
    _check_decision_limit(p, today)
    if _route(p) != S.AWAITING_DECISION:  # e.g. the case was marked complex after the review
        raise LegalBar(
            _("A required legal review or collective discussion has not been made."),
            rule="legal_review" if _route(p) == S.LEGAL_REVIEW else "collective_discussion",
        )
    facts = _text(facts, "facts", required=False) or notice.facts
    reasons = _text(reasons, "reasons", required=False) or notice.reasons
    legal_basis = _text(legal_basis, "legal_basis", required=False) or notice.legal_basis
    justification = _text(justification, "justification", required=False)
    amount, conf, kind, benchmark = Decimal(0), Decimal(0), "", None
    if outcome == Outcome.PENALTY:
        kind = penalty_kind or notice.penalty_kind
        if kind not in PenaltyKind.values:
            raise InvalidInput(_("penalty_kind is not a kind of penalty."), field="penalty_kind")
        given = _money(fine, "fine", required=False)
        amount = notice.fine if given is None else given
        conf = _money(confiscation, "confiscation", required=False) or Decimal(0)
        if kind == PenaltyKind.WARNING and amount:
            raise InvalidInput(_("A warning carries no fine."), field="fine")
        if rules.is_heavier((kind, amount, conf), (notice.penalty_kind, notice.fine, notice.confiscation)):
            raise LegalBar(
                _(
                    "The decision may not be heavier than the notice of intended penalty (%(fine)s yuan): the "
                    "penalty is never made heavier because the party stated their case or defended themselves "
                    "(Administrative Penalty Law art. 45)."
                )
                % {"fine": notice.fine},
                rule="no_heavier",
                field="fine",
            )
        if kind != PenaltyKind.WARNING:
            benchmark = notice.benchmark_fine
            if (
                benchmark is not None
                and amount != benchmark
                and not (justification or notice.departure_reason)
            ):
                raise InvalidInput(
                    _("%(amount)s yuan departs from the proposed %(proposed)s yuan: give the reason.")
                    % {"amount": amount, "proposed": benchmark},
                    field="justification",
                )
        _check_recording(p)
    number = _decision_number(today)
    to_state = S.DECIDED if outcome == Outcome.PENALTY else S.CLOSED

    def also(p: Proceeding) -> dict[str, Any]:
        row = Decision.objects.create(
            proceeding=p,
            number=number,
            outcome=outcome,
            penalty_kind=kind,
            fine=amount,
            confiscation=conf,
            facts=facts,
            reasons=reasons,
            legal_basis=legal_basis,
            benchmark_fine=benchmark,
            departure_reason=justification or notice.departure_reason,
            decided_by=user,
            decided_at=now,
        )
        publish_decision(row, actor=user)
        return {"decision": row.pk, "decision_number": number, "outcome": outcome, "fine": amount}

    changes: dict[str, Any] = {"state": to_state, "decided_at": now, "decided_on": today}
    if to_state == S.CLOSED:
        changes["closed_at"] = now
    return _apply("decide", p, actor=user, changes=changes, now=now, also=also)


# --- service, payment, demand, court -------------------------------------------------------------------


def serve_decision(
    proceeding_id: Any, *, actor: Any, version: int, files: Iterable[Any] | None = None, **service: Any
) -> Proceeding:
    """送达 (art. 61): the payment period of 15 days runs from the day of service."""
    p, user = _begin("serve_decision", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    assert p.decided_on is not None
    fields = _service(p, Document.DECISION, service, today=_today(now), not_before=p.decided_on, actor=user)
    staged = _stage(files)
    decision = p.current_decision()
    changes: dict[str, Any] = {"served_on": fields["served_on"]}
    if decision is not None and decision.fine > 0:
        changes.update(state=S.AWAITING_PAYMENT, payment_due=deadlines.payment_due(fields["served_on"]))
    else:  # a warning: served, nothing to pay
        changes.update(state=S.CLOSED, closed_at=now)
    return _apply(
        "serve_decision",
        p,
        actor=user,
        changes=changes,
        now=now,
        also=lambda p: _save_service(fields, staged, user),
    )


def record_payment(
    proceeding_id: Any,
    *,
    actor: Any,
    version: int,
    amount: Any,
    method: str,
    receipt_number: str,
    paid_on: Any = None,
) -> Proceeding:
    """罚缴分离 (art. 67): the bank's or payment system's receipt; paid in full (fine and the late
    surcharge owed on that day) closes the proceeding."""
    p, user = _begin("record_payment", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    if method not in PaymentMethod.values:
        raise InvalidInput(
            _("method must be one of %(choices)s.") % {"choices": ", ".join(PaymentMethod.values)},
            field="method",
        )
    value = _money(amount, "amount")
    assert value is not None
    if value <= 0:
        raise InvalidInput(_("amount must be more than zero."), field="amount")
    receipt_number = _text(receipt_number, "receipt_number")[:64]
    day = _date(paid_on, "paid_on", today=today, default=today)
    if p.served_on is not None and day < p.served_on:
        raise InvalidInput(_("A payment cannot precede the service of the decision."), field="paid_on")
    owed = amount_owed(p, day)
    if value > owed["outstanding"]:
        raise InvalidInput(
            _("Only %(owed)s yuan is owed on %(day)s.")
            % {"owed": owed["outstanding"], "day": day.isoformat()},
            field="amount",
        )
    if method == PaymentMethod.ON_THE_SPOT and owed["fine"] > get_policy().on_the_spot_collection_max:
        raise LegalBar(
            _("Fines above %(limit)s yuan are not collected on the spot (art. 68): pay at the bank.")
            % {"limit": get_policy().on_the_spot_collection_max},
            rule="on_the_spot_collection",
            field="method",
        )
    settled = value >= owed["outstanding"]
    changes: dict[str, Any] = {}
    if settled:
        changes = {"state": S.PAID, "paid_on": day, "closed_at": now}

    def also(p: Proceeding) -> dict[str, Any]:
        row = Payment.objects.create(
            proceeding=p,
            amount=value,
            paid_on=day,
            method=method,
            receipt_number=receipt_number,
            surcharge_due=owed["surcharge"],
            recorded_by=user,
            created_at=now,
        )
        released: list[int] = []
        if settled:
            # 先罚后返: goods seized for this violation go back once the penalty is paid
            from chengguan.seizures.services import on_penalty_paid

            released = [seizure.pk for seizure in on_penalty_paid(p.violation)]
        return {
            "payment": row.pk,
            "amount": value,
            "surcharge_due": owed["surcharge"],
            "settled": settled,
            "released_seizures": released,
        }

    return _apply("record_payment", p, actor=user, changes=changes, now=now, also=also)


def issue_demand(proceeding_id: Any, *, actor: Any, version: int, how_to_pay: str = "") -> Proceeding:
    """催告 (Compulsion Law art. 35): after the last day to pay, in writing: the deadline, the amount with
    the surcharge and how to pay, and the party's right to state their case."""
    p, user = _begin("issue_demand", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    assert p.payment_due is not None
    if today <= p.payment_due:
        raise LegalBar(
            _("The party may pay until %(due)s; a demand notice comes only after that.")
            % {"due": p.payment_due.isoformat()},
            rule="payment_period",
            due=p.payment_due.isoformat(),
        )
    owed = amount_owed(p, today)
    days = deadlines.demand_performance_days()
    how = _text(how_to_pay, "how_to_pay", required=False) or _(
        "Pay at the designated bank or through the electronic payment system, quoting the decision number."
    )
    rights = _(
        "You may state your case and defend yourself against this demand (Administrative Compulsion Law art. 36). "
        "A late surcharge of %(rate)s of the fine accrues for each day after the last day to pay, in total no "
        "more than the fine."
    ) % {"rate": f"{get_policy().surcharge_rate * 100:.0f} %"}

    def also(p: Proceeding) -> dict[str, Any]:
        row = DemandNotice.objects.create(
            proceeding=p,
            fine_due=rules.money(max(owed["fine"] - owed["paid"], Decimal(0))),
            surcharge_due=owed["surcharge"],
            performance_days=days,
            how_to_pay=how,
            rights_text=rights,
            issued_by=user,
            issued_at=now,
        )
        return {"demand": row.pk, "outstanding": owed["outstanding"], "surcharge": owed["surcharge"]}

    return _apply("issue_demand", p, actor=user, changes={"state": S.DEMAND_ISSUED}, now=now, also=also)


def serve_demand(
    proceeding_id: Any, *, actor: Any, version: int, files: Iterable[Any] | None = None, **service: Any
) -> Proceeding:
    p, user = _begin("serve_demand", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    demand = p.demands.order_by("-issued_at", "-pk").first()
    assert demand is not None
    fields = _service(
        p,
        Document.DEMAND,
        service,
        today=_today(now),
        not_before=to_city(demand.issued_at).date(),
        actor=user,
    )
    staged = _stage(files)
    return _apply(
        "serve_demand",
        p,
        actor=user,
        changes={"state": S.DEMAND_SERVED, "demand_served_on": fields["served_on"]},
        now=now,
        also=lambda p: _save_service(fields, staged, user),
    )


def apply_to_court(proceeding_id: Any, *, actor: Any, version: int, court: str, note: str = "") -> Proceeding:
    """申请人民法院强制执行 (Compulsion Law art. 53–54): more than 10 working days after the demand notice
    was served, after the review and litigation periods lapsed, and within 3 months of that."""
    p, user = _begin("apply_to_court", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    court = _text(court, "court")[:100]
    note = _text(note, "note", required=False)
    assert p.served_on is not None
    window = deadlines.court_window(p.served_on, p.demand_served_on)
    if not window.opens <= today <= window.closes:
        raise LegalBar(
            _(
                "The court may be asked to enforce from %(opens)s to %(closes)s: more than 10 working days after "
                "the demand notice was served, once the periods for review and litigation have lapsed "
                "(%(lapse)s), and within 3 months of that (Administrative Compulsion Law art. 53–54)."
            )
            % {
                "opens": window.opens.isoformat(),
                "closes": window.closes.isoformat(),
                "lapse": window.remedies_lapse.isoformat(),
            },
            rule="court_window",
            **{k: v.isoformat() for k, v in deadlines.as_dict(window).items() if v is not None},
        )
    owed = amount_owed(p, today)

    def also(p: Proceeding) -> dict[str, Any]:
        row = CourtApplication.objects.create(
            proceeding=p,
            court=court,
            applied_on=today,
            fine_due=rules.money(max(owed["fine"] - owed["paid"], Decimal(0))),
            surcharge_due=owed["surcharge"],
            note=note,
            applied_by=user,
            created_at=now,
        )
        return {"court_application": row.pk, "outstanding": owed["outstanding"]}

    return _apply(
        "apply_to_court",
        p,
        actor=user,
        changes={"state": S.COURT_APPLIED, "court_applied_on": today},
        now=now,
        also=also,
    )


# --- the summary procedure ----------------------------------------------------------------------------


def summary_decide(
    violation: Any,
    *,
    actor: Any,
    officers: Iterable[Any],
    penalty_kind: str,
    facts: str,
    legal_basis: str,
    rights_told: bool,
    fine: Any = None,
    justification: str = "",
    party_statement: str = "",
    recipient: str = "",
    circumstances: dict[str, Any] | None = None,
    files: Iterable[Any] | None = None,
) -> Proceeding:
    """简易程序 (art. 51–52): a warning or a fine up to 200 yuan (citizen) / 3,000 yuan (organisation),
    decided on the spot by two credentialed officers who showed their credentials and told the party the
    facts, reasons, basis and their right to state their case; the numbered decision is handed over at once
    (served in person) and filed with the bureau within 3 (working) days."""
    violation = _violation(violation)
    user = check_actor("summary_decide", violation.grid_code, actor)
    now = timezone.now()
    today = _today(now)
    facts = _text(facts, "facts")
    legal_basis = _text(legal_basis, "legal_basis")
    party_statement = _text(party_statement, "party_statement", required=False)
    justification = _text(justification, "justification", required=False)
    if penalty_kind not in rules.SUMMARY_KINDS:
        raise LegalBar(
            _("The summary procedure decides only a warning or a fine (art. 51)."),
            rule="summary_limit",
            field="penalty_kind",
        )
    if not rights_told:
        raise LegalBar(
            _(
                "Tell the party the facts, reasons and legal basis and their right to state their case first (art. 44)."
            ),
            rule="notice_of_rights",
            field="rights_told",
        )
    occurred_on, _until = _opening_checks(
        violation, user, continuing_until=None, long_limitation=False, today=today
    )
    team = _users(officers, "officers")
    check_two_officers([u.pk for u in team], today)
    amount = _money(fine, "fine", required=False)
    if penalty_kind == PenaltyKind.WARNING:
        if amount:
            raise InvalidInput(_("A warning carries no fine."), field="fine")
        choice = FineChoice(Decimal(0), None, justification)
    else:
        choice = choose_fine(violation, amount, justification, circumstances=circumstances)
    thresholds = get_policy().thresholds()
    if not rules.summary_allowed(thresholds, violation.party.kind, penalty_kind, choice.fine):
        limit = rules.summary_max(thresholds, violation.party.kind)
        raise LegalBar(
            _(
                "%(fine)s yuan is above the %(limit)s yuan the summary procedure allows for this party "
                "(Administrative Penalty Law art. 51): open ordinary proceedings."
            )
            % {"fine": choice.fine, "limit": limit},
            rule="summary_limit",
            field="fine",
            limit=str(limit),
        )
    staged = _stage(files)
    if get_policy().require_recording and not any(
        s.kind in (EvidenceKind.AUDIO, EvidenceKind.VIDEO) for s in staged
    ):
        raise LegalBar(
            _("Attach the audio or video record of the on-the-spot enforcement (全过程记录, art. 47)."),
            rule="recording",
            field="files",
        )
    to_state = S.AWAITING_PAYMENT if choice.fine > 0 else S.CLOSED
    recipient = _text(recipient, "recipient", required=False)[:100] or violation.party.name
    with transaction.atomic():
        p = Proceeding.objects.create(
            number=f"XZCF{today.year}{next_number('proceeding', today.year):05d}",
            procedure=Procedure.SUMMARY,
            state=to_state,
            violation=violation,
            party=violation.party,
            grid_code=violation.grid_code,
            district_code=violation.district_code,
            occurred_on=occurred_on,
            opened_at=now,
            opened_on=today,
            opened_by=user,
            notice_served_on=today,
            statement_closed_at=now,
            decided_at=now,
            decided_on=today,
            served_on=today,
            payment_due=deadlines.payment_due(today) if choice.fine > 0 else None,
            closed_at=now if to_state == S.CLOSED else None,
            updated_at=now,
        )
        p.officers.set(team)
        record = InvestigationRecord.objects.create(
            proceeding=p,
            kind=RecordKind.SITE_INSPECTION,
            started_at=now,
            place=violation.address or violation.grid_code,
            content=facts,
            recorded_by=user,
            created_at=now,
        )
        record.officers.set(team)
        evidence = _store(staged, EVIDENCE_OWNER_RECORD, record.pk, user)
        if party_statement:
            _statement_row(p, StatementKind.STATEMENT, party_statement, today, user, now)
        decision = Decision.objects.create(
            proceeding=p,
            number=_decision_number(today),
            outcome=Outcome.PENALTY,
            penalty_kind=penalty_kind,
            fine=choice.fine,
            facts=facts,
            legal_basis=legal_basis,
            benchmark_fine=choice.benchmark,
            departure_reason=choice.justification,
            decided_by=user,
            decided_at=now,
        )
        service = Service.objects.create(
            proceeding=p,
            document=Document.DECISION,
            method=ServiceMethod.IN_PERSON,
            served_on=today,
            recipient=recipient,
            address=violation.address[:200],
            note=str(_("Handed over on the spot.")),
            recorded_by=user,
            created_at=now,
        )
        body = {
            "violation": violation.pk,
            "officers": sorted(u.pk for u in team),
            "decision": decision.pk,
            "decision_number": decision.number,
            "fine": choice.fine,
            "service": service.pk,
            "evidence": evidence,
            "payment_due": p.payment_due,
            "filing_due": deadlines.filing_due(today),
        }
        _event(p, "decided_on_the_spot", actor=user, before="", note=party_statement, payload=body, at=now)
        audit_record("penalty.summary_decide", actor=user, target=p, payload={"number": p.number, **body})
    return p


def file_summary(proceeding_id: Any, *, actor: Any, version: int, filed_on: Any = None) -> Proceeding:
    """备案: the on-the-spot decision is filed with the bureau (within 3 working days)."""
    p, user = _begin("file_summary", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    if p.procedure != Procedure.SUMMARY or p.filed_on is not None:
        raise InvalidTransition(
            _("Only an on-the-spot decision is filed, and only once."), state=p.state, version=p.version
        )
    day = _date(filed_on, "filed_on", today=_today(now), default=_today(now))
    return _apply("file_summary", p, actor=user, changes={"filed_on": day}, now=now)


# --- corrections of a decided fine (never an edit) -------------------------------------------------------


def propose_correction(
    proceeding_id: Any, *, actor: Any, version: int, new_fine: Any, reason: str
) -> Proceeding:
    """Propose to correct the decided fine; a second person approves it (``decide_correction``)."""
    p, user = _begin("propose_correction", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    reason = _text(reason, "reason")
    amount = _money(new_fine, "new_fine")
    assert amount is not None
    decision = p.current_decision()
    if decision is None or decision.outcome != Outcome.PENALTY:
        raise InvalidInput(_("There is no decided fine to correct."), field="new_fine")
    if amount == decision.fine:
        raise InvalidInput(_("The corrected fine is the same as the decided one."), field="new_fine")
    notice = _latest_notice(p)
    ceiling = notice.fine if notice is not None else decision.fine
    if amount > ceiling:
        raise LegalBar(
            _("A correction may not make the fine heavier than %(fine)s yuan (art. 45).") % {"fine": ceiling},
            rule="no_heavier",
            field="new_fine",
        )
    if p.payments.exists() and amount < _paid_total(p):
        raise InvalidInput(_("More than the corrected fine has been paid already."), field="new_fine")
    if p.corrections.filter(status=FineCorrection.Status.PENDING).exists():
        raise Conflict(_("A correction is already waiting for approval."), field="new_fine")

    def also(p: Proceeding) -> dict[str, Any]:
        row = FineCorrection.objects.create(
            proceeding=p, decision=decision, new_fine=amount, reason=reason, proposed_by=user, proposed_at=now
        )
        return {"correction": row.pk, "old_fine": decision.fine, "new_fine": amount}

    return _apply("propose_correction", p, actor=user, changes={}, now=now, note=reason, also=also)


def decide_correction(
    proceeding_id: Any, *, actor: Any, version: int, approve: bool, note: str = ""
) -> Proceeding:
    """A second person approves (a new decision supersedes the old one) or refuses the pending correction."""
    p, user = _begin("decide_correction", proceeding_id, actor=actor, version=version)
    now = timezone.now()
    note = _text(note, "note", required=False)
    correction = p.corrections.filter(status=FineCorrection.Status.PENDING).select_related("decision").first()
    if correction is None:
        raise InvalidInput(_("No correction is waiting for approval."), field="approve")
    if correction.proposed_by_id == user.pk:
        raise LegalBar(
            _("A correction must be approved by a second person, not the one who proposed it."),
            rule="second_person",
            field="actor",
        )
    old = correction.decision

    def also(p: Proceeding) -> dict[str, Any]:
        status = FineCorrection.Status.APPROVED if approve else FineCorrection.Status.REFUSED
        FineCorrection.objects.filter(pk=correction.pk).update(status=status, decided_by=user, decided_at=now)
        body: dict[str, Any] = {"correction": correction.pk, "approved": bool(approve)}
        if approve:
            n = Decision.objects.filter(number__startswith=old.number).count()
            new = Decision.objects.create(
                proceeding=p,
                number=f"{old.number}-{n}",
                outcome=old.outcome,
                penalty_kind=old.penalty_kind,
                fine=correction.new_fine,
                confiscation=old.confiscation,
                facts=old.facts,
                reasons=old.reasons,
                legal_basis=old.legal_basis,
                benchmark_fine=old.benchmark_fine,
                departure_reason=old.departure_reason,
                decided_by=correction.proposed_by,
                decided_at=now,
                supersedes=old,
                correction_reason=correction.reason,
                approved_by=user,
            )
            replace_publication(old, new, reason=correction.reason, actor=user)
            body.update(decision=new.pk, old_fine=old.fine, new_fine=new.fine)
        return body

    try:
        return _apply("decide_correction", p, actor=user, changes={}, now=now, note=note, also=also)
    except IntegrityError:
        raise Conflict() from None
