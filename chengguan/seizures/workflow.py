"""Every change of a seizure goes through one function here; the API, the admin, the supervision job
and the penalty app (``services.on_penalty_paid``) all call these.

The state machine is the table ``TRANSITIONS``: ``(state, action) -> (next state, roles)``. A pair not
in the table is refused with ``InvalidTransition`` (409). Actions with no roles are the system's own
(the term lapsing, the penalty paid) and take ``actor=None``. Each call checks, in this order: the
seizure is visible to the actor, the role, the territory of the place (``org.access``), the state,
the version (compare-and-set: a stale version is a 409), then the law; it writes the change, a
``SeizureEvent`` and an audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.core.clock import to_city
from chengguan.org.access import check_can_act_at
from chengguan.org.models import User
from chengguan.seizures import terms
from chengguan.seizures.access import (
    EXTENSION_ROLES,
    FIELD_ROLES,
    HEAD_ROLES,
    access_seizure,
    get_policy,
    is_active,
)
from chengguan.seizures.errors import InvalidInput, InvalidTransition, LegalBar, StaleVersion, WrongRole
from chengguan.seizures.models import (
    CopyHolder,
    DisposalMethod,
    EvaluationKind,
    EvaluationPeriod,
    ListCopy,
    ReleaseKind,
    Seizure,
    SeizureEvent,
    SeizureItem,
    SeizureKind,
    SeizureState,
)

S = SeizureState
SYSTEM: frozenset[str] = frozenset()
EVIDENCE_OWNER_ITEM = "seizures.item"
NUMBER_PREFIX = "城管扣字"
MIN_OFFICERS = 2  # 行政强制法 art. 18: 两名以上行政执法人员实施 (national law)

TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (S.IN_FORCE, "add_item"): (S.IN_FORCE, FIELD_ROLES),
    (S.IN_FORCE, "sign_copy"): (S.IN_FORCE, FIELD_ROLES),
    (S.IN_FORCE, "add_evaluation"): (S.IN_FORCE, FIELD_ROLES),
    (S.IN_FORCE, "end_evaluation"): (S.IN_FORCE, FIELD_ROLES),
    (S.IN_FORCE, "extend"): (S.IN_FORCE, EXTENSION_ROLES),
    (S.IN_FORCE, "release"): (S.RELEASED, HEAD_ROLES),
    (S.IN_FORCE, "dispose"): (S.DISPOSED, HEAD_ROLES),
    (S.IN_FORCE, "expire"): (S.RELEASED, SYSTEM),
    (S.IN_FORCE, "release_after_penalty"): (S.RELEASED, SYSTEM),
    (S.RELEASED, "return_items"): (S.RETURNED, FIELD_ROLES),
}

# What an officer may give as the reason of a release decision (the system's own are separate).
DECIDED_RELEASES = frozenset(
    {ReleaseKind.NO_VIOLATION, ReleaseKind.UNRELATED, ReleaseKind.HANDLED, ReleaseKind.OTHER}
)


def allowed_actions(seizure: Seizure, actor: Any) -> list[str]:
    """The actions ``actor``'s role allows on ``seizure`` in its state (for the API's detail)."""
    if not is_active(actor):
        return []
    return sorted(
        action
        for (state, action), (_to, roles) in TRANSITIONS.items()
        if state == seizure.state and roles and actor.has_role(*roles)
    )


# --- input helpers ----------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = True, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("%(field)s is required.") % {"field": field}, field=field)
    if limit is not None and len(text) > limit:
        raise InvalidInput(
            _("%(field)s is longer than %(n)s characters.") % {"field": field, "n": limit}, field=field
        )
    return text


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return to_city(value).date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value)) if value not in (None, "") else None
    if parsed is None:
        raise InvalidInput(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": field}, field=field)
    return parsed


def _moment(value: Any, field: str, *, now: dt.datetime) -> dt.datetime:
    if value in (None, ""):
        return now
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            _("%(field)s must be a date and time with its time zone.") % {"field": field}, field=field
        )
    if moment > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("%(field)s lies in the future.") % {"field": field}, field=field)
    return moment


def _quantity(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(field)s must be a number.") % {"field": field}, field=field) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("100000000"):
        raise InvalidInput(_("%(field)s must be more than zero.") % {"field": field}, field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("%(field)s has more than two decimals.") % {"field": field}, field=field)
    return amount


def _users(ids: Iterable[Any], field: str) -> list[User]:
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise InvalidInput(
            _("%(field)s must be a list of user ids.") % {"field": field}, field=field
        ) from None
    found = list(User.objects.filter(pk__in=wanted, is_active=True))
    if len(found) != len(wanted):
        missing = sorted(wanted - {u.pk for u in found})
        raise InvalidInput(_("Unknown or inactive users: %(ids)s.") % {"ids": missing}, field=field)
    return found


def check_officers_present(team: list[User], place: str, day: dt.date, *, field: str = "officers") -> None:
    """At least two different officers of the place, holding valid enforcement credentials (art. 17, 18)."""
    from chengguan.penalty.credentials import credential_holders

    outside = [u.pk for u in team if not u.has_role(*FIELD_ROLES)]
    if outside:
        raise InvalidInput(
            _("Only officers and squadron leaders take part in a seizure: %(ids)s.") % {"ids": outside},
            field=field,
        )
    for user in team:
        check_can_act_at(user, place)
    holders = credential_holders([u.pk for u in team], day)
    if len(holders) < MIN_OFFICERS:
        raise LegalBar(
            _(
                "At least two officers holding a valid enforcement credential must be present "
                "(Administrative Compulsion Law art. 18); %(n)s of those named hold one."
            )
            % {"n": len(holders)},
            field=field,
            rule="two_officers",
        )


def _items(rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list | tuple) or not rows:
        raise InvalidInput(_("The seizure list needs at least one item."), field="items")
    items = []
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInput(_("Each item must be an object."), field=f"items[{n}]")
        items.append(
            {
                "name": _text(row.get("name"), f"items[{n}].name", limit=100),
                "quantity": _quantity(row.get("quantity"), f"items[{n}].quantity"),
                "unit": _text(row.get("unit"), f"items[{n}].unit", limit=16),
                "condition": _text(row.get("condition"), f"items[{n}].condition", required=False, limit=200),
            }
        )
    return items


# --- the transition machinery ---------------------------------------------------------------------


def _check_role(actor: Any, roles: frozenset[str]) -> User:
    if not is_active(actor):
        raise WrongRole(field="actor")
    if not roles or not actor.has_role(*roles):
        raise WrongRole(field="actor", roles=sorted(roles))
    return actor


def _roles_of(action: str) -> frozenset[str]:
    """Every role that may take ``action`` in some state (to tell a wrong role from a wrong state)."""
    found: set[str] = set()
    for (_state, name), (_to, roles) in TRANSITIONS.items():
        if name == action:
            found |= roles
    return frozenset(found)


def _begin(action: str, seizure_id: Any, *, actor: Any, version: Any) -> tuple[Seizure, User]:
    seizure = access_seizure(actor, getattr(seizure_id, "pk", seizure_id))
    target = TRANSITIONS.get((seizure.state, action))
    roles = target[1] if target else _roles_of(action)
    user = _check_role(actor, roles)
    check_can_act_at(user, seizure.grid_code)
    if target is None:
        raise InvalidTransition(state=seizure.state, version=seizure.version, action=action)
    if isinstance(version, bool) or not isinstance(version, int) or version != seizure.version:
        raise StaleVersion(field="version", state=seizure.state, version=seizure.version)
    return seizure, user


def _apply(
    action: str,
    seizure: Seizure,
    *,
    actor: User | None,
    changes: dict[str, Any],
    now: dt.datetime,
    also: Callable[[Seizure], dict[str, Any]] | None = None,
) -> Seizure:
    """Compare-and-set the state change, then the extra writes, the event and the audit entry."""
    to_state = TRANSITIONS[(seizure.state, action)][0]
    from_state = seizure.state
    with transaction.atomic():
        updated = Seizure.objects.filter(pk=seizure.pk, version=seizure.version, state=from_state).update(
            state=to_state, version=F("version") + 1, **changes
        )
        if not updated:
            fresh = Seizure.objects.get(pk=seizure.pk)
            raise StaleVersion(field="version", state=fresh.state, version=fresh.version)
        seizure = Seizure.objects.select_related("party", "violation").get(pk=seizure.pk)
        payload = {k: v for k, v in changes.items() if not hasattr(v, "pk")}
        for key, value in changes.items():
            if hasattr(value, "pk"):
                payload[key] = value.pk
        if also is not None:
            payload.update(also(seizure))
        SeizureEvent.objects.create(
            seizure=seizure,
            action=action,
            actor=actor,
            at=now,
            from_state=from_state,
            to_state=to_state,
            payload=payload,
        )
        audit_record(
            f"seizures.{action}",
            actor=actor,
            target=seizure,
            payload={"number": seizure.number, "from": from_state, "to": to_state, **payload},
        )
    return seizure


def _today(now: dt.datetime) -> dt.date:
    return to_city(now).date()


def _next_number(year: int) -> str:
    stem = f"{NUMBER_PREFIX}〔{year}〕"
    count = Seizure.objects.filter(number__startswith=stem).count()
    return f"{stem}{count + 1}号"


# --- creating a seizure ---------------------------------------------------------------------------


def create_seizure(
    violation_id: Any,
    *,
    actor: Any,
    reason: str,
    legal_basis: str,
    storage_place: str,
    officers: Iterable[Any],
    approved_by: Any,
    items: Any,
    kind: str = SeizureKind.SEIZE,
    return_after_penalty: bool = True,
) -> Seizure:
    """查封、扣押决定 with its itemised list: decided now, term from the policy (natural days)."""
    from chengguan.enforcement.models import Violation

    user = _check_role(actor, FIELD_ROLES | HEAD_ROLES)
    try:
        violation = Violation.objects.select_related("party").get(
            pk=int(getattr(violation_id, "pk", violation_id))
        )
    except (Violation.DoesNotExist, TypeError, ValueError, OverflowError):
        raise InvalidInput(_("There is no such violation."), field="violation") from None
    check_can_act_at(user, violation.grid_code)
    now = timezone.now()
    today = _today(now)
    if kind not in SeizureKind.values:
        raise InvalidInput(
            _("kind must be one of %(choices)s.") % {"choices": ", ".join(SeizureKind.values)}, field="kind"
        )
    reason = _text(reason, "reason")
    legal_basis = _text(legal_basis, "legal_basis")
    storage_place = _text(storage_place, "storage_place", limit=200)
    rows = _items(items)
    team = _users(officers, "officers")
    check_officers_present(team, violation.grid_code, today)
    approver = _users([getattr(approved_by, "pk", approved_by)], "approved_by")[0] if approved_by else None
    if approver is None or not approver.has_role(*HEAD_ROLES):
        raise InvalidInput(
            _("A seizure is approved by a squadron leader or the head of the bureau."), field="approved_by"
        )
    check_can_act_at(approver, violation.grid_code)
    policy = get_policy()
    for attempt in range(5):
        try:
            with transaction.atomic():
                seizure = Seizure.objects.create(
                    number=_next_number(today.year),
                    kind=kind,
                    violation=violation,
                    party=violation.party,
                    grid_code=violation.grid_code,
                    district_code=violation.district_code,
                    reason=reason,
                    legal_basis=legal_basis,
                    storage_place=storage_place,
                    return_after_penalty=bool(return_after_penalty),
                    approved_by=approver,
                    decided_at=now,
                    start_date=today,
                    term_days=policy.term_days,
                    created_at=now,
                    created_by=user,
                )
                seizure.officers.set(team)
                made = [SeizureItem.objects.create(seizure=seizure, created_at=now, **row) for row in rows]
                end = terms.term_end(seizure, today)
                payload = {
                    "number": seizure.number,
                    "violation": violation.pk,
                    "officers": sorted(u.pk for u in team),
                    "approved_by": approver.pk,
                    "items": [i.pk for i in made],
                    "term_end": end.isoformat(),
                }
                SeizureEvent.objects.create(
                    seizure=seizure,
                    action="decide",
                    actor=user,
                    at=now,
                    to_state=seizure.state,
                    payload=payload,
                )
                audit_record("seizures.decide", actor=user, target=seizure, payload=payload)
                return seizure
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- on the list ----------------------------------------------------------------------------------


def add_item(
    seizure_id: Any, *, actor: Any, version: Any, name: str, quantity: Any, unit: str, condition: str = ""
) -> Seizure:
    seizure, user = _begin("add_item", seizure_id, actor=actor, version=version)
    row = _items([{"name": name, "quantity": quantity, "unit": unit, "condition": condition}])[0]
    now = timezone.now()

    def also(s: Seizure) -> dict[str, Any]:
        if s.copies.exists():
            raise LegalBar(
                _("The list has been signed; it can no longer change."), field="items", rule="signed"
            )
        item = SeizureItem.objects.create(seizure=s, created_at=now, **row)
        return {"item": item.pk, "name": item.name, "quantity": item.quantity, "unit": item.unit}

    return _apply("add_item", seizure, actor=user, changes={}, now=now, also=also)


def add_item_photo(seizure_id: Any, item_id: Any, *, actor: Any, file: Any) -> Any:
    """A photo of one listed item, stored as evidence (type sniffed, SHA-256) and audited."""
    from chengguan.evidence.services import stage_evidence_file, store_evidence

    seizure = access_seizure(actor, seizure_id)
    user = _check_role(actor, FIELD_ROLES)
    check_can_act_at(user, seizure.grid_code)
    item = seizure.items.filter(pk=str(item_id)).first() if str(item_id).isdigit() else None
    if item is None:
        raise InvalidInput(_("There is no such item on this list."), field="item")
    if seizure.state != S.IN_FORCE:
        raise InvalidTransition(state=seizure.state, version=seizure.version, action="add_photo")
    staged = stage_evidence_file(file, kind="photo")
    with transaction.atomic():
        evidence = store_evidence(
            staged, owner_type=EVIDENCE_OWNER_ITEM, owner_id=str(item.pk), uploaded_by=user
        )
        audit_record(
            "seizures.item_photo",
            actor=user,
            target=seizure,
            payload={"item": item.pk, "evidence": evidence.pk, "sha256": evidence.sha256},
        )
    return evidence


def sign_copy(
    seizure_id: Any,
    *,
    actor: Any,
    version: Any,
    holder: str,
    signed_by: str = "",
    refused: bool = False,
    witness: str = "",
    signed_at: Any = None,
) -> Seizure:
    """One of the two copies of the list (art. 24): who signed it; a party who refuses is noted, with a
    witness (art. 18)."""
    seizure, user = _begin("sign_copy", seizure_id, actor=actor, version=version)
    now = timezone.now()
    if holder not in CopyHolder.values:
        raise InvalidInput(
            _("holder must be one of %(choices)s.") % {"choices": ", ".join(CopyHolder.values)},
            field="holder",
        )
    refused = bool(refused)
    if refused and holder != CopyHolder.PARTY:
        raise InvalidInput(_("Only the party may refuse to sign."), field="refused")
    signer = _text(signed_by, "signed_by", required=not refused, limit=100)
    witness = _text(witness, "witness", required=False, limit=100)
    if refused and not witness:
        raise LegalBar(
            _("When the party refuses to sign, a witness signs and the refusal is noted."),
            field="witness",
            rule="witness",
        )
    moment = _moment(signed_at, "signed_at", now=now)
    if moment < seizure.decided_at:
        raise InvalidInput(_("The list cannot be signed before the decision."), field="signed_at")

    def also(s: Seizure) -> dict[str, Any]:
        if s.copies.filter(holder=holder).exists():
            raise InvalidTransition(
                _("This copy of the list has already been signed."),
                field="holder",
                state=s.state,
                version=s.version,
            )
        ListCopy.objects.create(
            seizure=s,
            holder=holder,
            signed_by=signer,
            refused=refused,
            witness=witness,
            signed_at=moment,
            recorded_by=user,
        )
        return {"holder": holder, "signed_by": signer, "refused": refused, "witness": witness}

    return _apply("sign_copy", seizure, actor=user, changes={}, now=now, also=also)


# --- the term -------------------------------------------------------------------------------------


def add_evaluation(
    seizure_id: Any,
    *,
    actor: Any,
    version: Any,
    kind: str,
    started_on: Any,
    ended_on: Any = None,
    institution: str = "",
    note: str = "",
) -> Seizure:
    """检测、检验、检疫、技术鉴定: a period not counted in the term (art. 25); the term end moves."""
    seizure, user = _begin("add_evaluation", seizure_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    if kind not in EvaluationKind.values:
        raise InvalidInput(
            _("kind must be one of %(choices)s.") % {"choices": ", ".join(EvaluationKind.values)},
            field="kind",
        )
    start = _date(started_on, "started_on")
    end = _date(ended_on, "ended_on") if ended_on not in (None, "") else None
    if start <= seizure.start_date:
        raise InvalidInput(_("An evaluation starts after the day of the decision."), field="started_on")
    if start > today:
        raise InvalidInput(_("started_on lies in the future."), field="started_on")
    if end is not None and not start <= end <= today:
        raise InvalidInput(_("ended_on must lie between started_on and today."), field="ended_on")
    periods = terms.periods_of(seizure)
    if start > terms.term_end_for(
        seizure.start_date, seizure.term_days, seizure.extension_days, periods, start
    ):
        raise LegalBar(
            _("The term had already ended when this evaluation started."),
            field="started_on",
            rule="term_lapsed",
        )
    new = terms.Period(start, end)
    far = dt.date.max
    for p in periods:
        if start <= (p.ended_on or far) and p.started_on <= (end or far):
            raise LegalBar(
                _("Evaluation periods may not overlap (%(start)s–%(end)s is already recorded).")
                % {"start": p.started_on.isoformat(), "end": p.ended_on.isoformat() if p.ended_on else "…"},
                field="started_on",
                rule="evaluation_overlap",
            )
    institution = _text(institution, "institution", required=False, limit=100)
    note = _text(note, "note", required=False)

    def also(s: Seizure) -> dict[str, Any]:
        row = EvaluationPeriod.objects.create(
            seizure=s,
            kind=kind,
            institution=institution,
            started_on=new.started_on,
            ended_on=new.ended_on,
            note=note,
            recorded_by=user,
            created_at=now,
        )
        return {
            "evaluation": row.pk,
            "kind": kind,
            "started_on": start,
            "ended_on": end,
            "term_end": terms.term_end(s, today),
        }

    return _apply("add_evaluation", seizure, actor=user, changes={}, now=now, also=also)


def end_evaluation(
    seizure_id: Any, evaluation_id: Any, *, actor: Any, version: Any, ended_on: Any
) -> Seizure:
    seizure, user = _begin("end_evaluation", seizure_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    period = (
        seizure.evaluations.filter(pk=int(evaluation_id), ended_on__isnull=True).first()
        if str(evaluation_id).isdigit()
        else None
    )
    if period is None:
        raise InvalidInput(_("There is no such evaluation still running."), field="evaluation")
    end = _date(ended_on, "ended_on")
    if not period.started_on <= end <= today:
        raise InvalidInput(_("ended_on must lie between started_on and today."), field="ended_on")

    def also(s: Seizure) -> dict[str, Any]:
        EvaluationPeriod.objects.filter(pk=period.pk).update(ended_on=end)
        return {"evaluation": period.pk, "ended_on": end, "term_end": terms.term_end(s, today)}

    return _apply("end_evaluation", seizure, actor=user, changes={}, now=now, also=also)


def extend(seizure_id: Any, *, actor: Any, version: Any, days: Any, reason: str) -> Seizure:
    """Art. 25: one extension of at most 30 days, approved by the head of the bureau, with a reason,
    before the term ends."""
    seizure, user = _begin("extend", seizure_id, actor=actor, version=version)
    now = timezone.now()
    today = _today(now)
    if seizure.extension_days:
        raise LegalBar(
            _("A seizure may be extended only once (Administrative Compulsion Law art. 25)."),
            field="days",
            rule="one_extension",
        )
    most = get_policy().max_extension_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        raise LegalBar(
            _("days must be a whole number from 1 to %(n)s.") % {"n": most},
            field="days",
            rule="extension_days",
        )
    reason = _text(reason, "reason")
    if today > terms.term_end(seizure, today):
        raise LegalBar(
            _("The term has ended; it can no longer be extended."), field="days", rule="term_lapsed"
        )
    changes = {"extension_days": days, "extension_reason": reason, "extended_at": now, "extended_by": user}

    def also(s: Seizure) -> dict[str, Any]:
        return {"term_end": terms.term_end(s, today)}

    return _apply("extend", seizure, actor=user, changes=changes, now=now, also=also)


# --- how a seizure ends ---------------------------------------------------------------------------


def release(seizure_id: Any, *, actor: Any, version: Any, kind: str, reason: str) -> Seizure:
    """解除 by decision (art. 28); the items are then handed back with ``return_items``."""
    seizure, user = _begin("release", seizure_id, actor=actor, version=version)
    if kind not in DECIDED_RELEASES:
        raise InvalidInput(
            _("kind must be one of %(choices)s.") % {"choices": ", ".join(sorted(DECIDED_RELEASES))},
            field="kind",
        )
    reason = _text(reason, "reason")
    now = timezone.now()
    changes = {"released_at": now, "release_kind": kind, "release_reason": reason}
    return _apply("release", seizure, actor=user, changes=changes, now=now)


def return_items(
    seizure_id: Any,
    *,
    actor: Any,
    version: Any,
    returned_to: str,
    receipt_number: str,
    returned_at: Any = None,
) -> Seizure:
    """The items handed back to the party, against a receipt."""
    seizure, user = _begin("return_items", seizure_id, actor=actor, version=version)
    now = timezone.now()
    returned_to = _text(returned_to, "returned_to", limit=100)
    receipt_number = _text(receipt_number, "receipt_number", limit=64)
    moment = _moment(returned_at, "returned_at", now=now)
    assert seizure.released_at is not None
    if moment < seizure.released_at:
        raise InvalidInput(_("Items cannot be returned before the release."), field="returned_at")
    changes = {"returned_at": moment, "returned_to": returned_to, "return_receipt": receipt_number}
    return _apply("return_items", seizure, actor=user, changes=changes, now=now)


def confiscating_decision(violation: Any, number: str = "") -> Any:
    """The standing penalty decision on ``violation`` that confiscates property, or ``None``."""
    from chengguan.penalty.models import Decision, Outcome, PenaltyKind

    decisions = Decision.objects.filter(
        proceeding__violation=violation, superseded_by__isnull=True, outcome=Outcome.PENALTY
    ).order_by("-decided_at", "-pk")
    if number:
        decisions = decisions.filter(number=number)
    for decision in decisions:
        if decision.penalty_kind == PenaltyKind.CONFISCATION or decision.confiscation > 0:
            return decision
    return None


def dispose(seizure_id: Any, *, actor: Any, version: Any, method: str, decision_number: str) -> Seizure:
    """Confiscation, destruction or auction of the items, only when a penalty decision on the violation
    confiscates property."""
    seizure, user = _begin("dispose", seizure_id, actor=actor, version=version)
    if method not in DisposalMethod.values:
        raise InvalidInput(
            _("method must be one of %(choices)s.") % {"choices": ", ".join(DisposalMethod.values)},
            field="method",
        )
    decision_number = _text(decision_number, "decision_number", limit=64)
    if confiscating_decision(seizure.violation, decision_number) is None:
        raise LegalBar(
            _("No standing penalty decision %(number)s on this violation confiscates property.")
            % {"number": decision_number},
            field="decision_number",
            rule="no_confiscation",
        )
    now = timezone.now()
    changes = {"disposed_at": now, "disposal_method": method, "disposal_decision": decision_number}
    return _apply("dispose", seizure, actor=user, changes=changes, now=now)


def _system(action: str, seizure: Seizure, *, now: dt.datetime, kind: str, reason: str) -> Seizure | None:
    """A release by the system (term lapsed, penalty paid); ``None`` if the seizure moved meanwhile."""
    if (seizure.state, action) not in TRANSITIONS:
        return None
    changes = {"released_at": now, "release_kind": kind, "release_reason": reason}
    try:
        return _apply(action, seizure, actor=None, changes=changes, now=now)
    except StaleVersion:
        return None


def expire(seizure: Seizure, *, now: dt.datetime) -> Seizure | None:
    """Art. 28: the term lapsed without a decision; the seizure is released and the items are due back."""
    end = terms.term_end(seizure, _today(now))
    reason = _("The term ended on %(day)s without a decision.") % {"day": end.isoformat()}
    return _system("expire", seizure, now=now, kind=ReleaseKind.EXPIRED, reason=reason)


def release_after_penalty(seizure: Seizure, *, now: dt.datetime) -> Seizure | None:
    return _system(
        "release_after_penalty",
        seizure,
        now=now,
        kind=ReleaseKind.PENALTY_PAID,
        reason=_("The penalty has been paid: the items are returned (return after penalty)."),
    )


__all__ = [
    "TRANSITIONS",
    "add_evaluation",
    "add_item",
    "add_item_photo",
    "allowed_actions",
    "create_seizure",
    "dispose",
    "end_evaluation",
    "expire",
    "extend",
    "release",
    "release_after_penalty",
    "return_items",
    "sign_copy",
]
