"""Petitions (信访) and complaints about officers (投诉): received → acknowledged → answered.

Each has its own time limits in working days (``PortalPolicy``; ``workdays.add_working_time``):
acknowledge (告知受理) and answer (答复), both counted from receipt.

Routing:

* a complaint naming an officer's badge number goes to that officer's unit, whose leaders answer it
  (the officer complained about never handles it);
* otherwise a petition (or a complaint without a known officer) with a place goes to the squadron of
  the place, like a case (``geo.locate``);
* otherwise it goes to the bureau (the top unit).

Who handles a petition: superusers, leaders and administrators everywhere; squadron leaders and
department staff of the unit it was routed to, or of a unit above it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.cases.access import acting_user
from chengguan.cases.errors import AccessDenied, Conflict, InvalidInput, NotFound, WrongRole
from chengguan.cases.intake import PHONE_RE, locate_report
from chengguan.core.clock import to_city
from chengguan.core.errors import ChengguanError
from chengguan.org.models import Unit, UnitKind
from chengguan.org.roles import CITYWIDE_ROLES, Role
from chengguan.portal.models import Petition, PetitionCounter, PetitionKind, PetitionState
from chengguan.portal.services import get_policy, hash_access_code, new_access_code
from chengguan.workdays.calendar import add_working_time

HANDLER_ROLES = frozenset({Role.SQUADRON_LEADER, Role.DEPARTMENT, Role.LEADER, Role.ADMIN})
MAX_BODY = 8000
NUMBER_PREFIX = {PetitionKind.PETITION: "XF", PetitionKind.COMPLAINT: "TS"}


class PetitionNotFound(NotFound):
    def __init__(self, number: Any = None) -> None:
        super().__init__(
            _("There is no such petition or complaint."), field="number", number=str(number or "")
        )


@dataclass(frozen=True)
class PetitionReceipt:
    petition: Petition
    access_code: str


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("This field is required: %(field)s.") % {"field": field}, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.") % {"field": field, "limit": limit},
            field=field,
        )
    return text


def next_petition_number(kind: str, at: dt.datetime) -> str:
    day = to_city(at).date()
    for _attempt in range(100):
        counter, _created = PetitionCounter.objects.get_or_create(day=day)
        following = counter.last + 1
        if PetitionCounter.objects.filter(day=day, last=counter.last).update(last=following):
            return f"{NUMBER_PREFIX[kind]}{day:%Y%m%d}-{following:04d}"
    raise Conflict(_("Could not number the petition; try again."), field="number")


def find_officer(badge: str) -> Any:
    """The active officer with this badge number, or None."""
    if not badge:
        return None
    return get_user_model().objects.filter(badge_number=badge, is_active=True).select_related("unit").first()


def route(kind: str, *, officer: Any, grid_squadron_code: str | None) -> Unit:
    """The unit that handles a petition or complaint (see the module docstring)."""
    if kind == PetitionKind.COMPLAINT and officer is not None and officer.unit_id is not None:
        return officer.unit
    if grid_squadron_code:
        unit = Unit.objects.filter(kind=UnitKind.SQUADRON, code=grid_squadron_code).first()
        if unit is not None:
            return unit
    bureau = Unit.objects.filter(kind=UnitKind.BUREAU, parent__isnull=True).order_by("code").first()
    if bureau is None:
        bureau = Unit.objects.filter(parent__isnull=True).order_by("code").first()
    if bureau is None:
        raise InvalidInput(_("The bureau has no units yet; petitions cannot be routed."), field="unit")
    return bureau


def submit_petition(
    *,
    actor: Any,
    kind: str,
    subject: str,
    body: str,
    petitioner_name: str,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    officer_badge: str = "",
    lon: Any = None,
    lat: Any = None,
    address: str = "",
    occurred_at: dt.datetime | None = None,
) -> PetitionReceipt:
    """File a petition or a complaint; its tracking number and the petitioner's access code (once)."""
    if kind not in PetitionKind.values:
        raise InvalidInput(_("Unknown kind %(kind)r.") % {"kind": kind}, field="kind")
    user = acting_user(actor)
    subject = _text(subject, "subject", 200, required=True)
    body = _text(body, "body", MAX_BODY, required=True)
    name = _text(petitioner_name, "petitioner_name", 64, required=True)
    phone = _text(petitioner_phone, "petitioner_phone", 32)
    email = _text(petitioner_email, "petitioner_email", 254)
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput(_("petitioner_phone is not a phone number."), field="petitioner_phone")
    if not phone and not email and user is None:
        raise InvalidInput(
            _("Give a phone number or an e-mail address so that we can answer you."), field="petitioner_phone"
        )
    badge = _text(officer_badge, "officer_badge", 32)
    address = _text(address, "address", 200)
    officer = find_officer(badge)
    if kind == PetitionKind.COMPLAINT and not badge and lon in (None, ""):
        raise InvalidInput(
            _("Give the officer's badge number or the place where it happened."), field="officer_badge"
        )
    grid_code = ""
    squadron_code = None
    if lon not in (None, "") or lat not in (None, ""):
        try:
            location = locate_report(lon, lat, "wgs84")
        except ChengguanError as exc:
            raise InvalidInput(exc.message, field="lon") from None
        grid_code = location.grid_code
        squadron_code = location.squadron.code if location.squadron else None
        lon, lat = location.lon, location.lat
    else:
        lon = lat = None
    now = timezone.now()
    if occurred_at is not None and occurred_at > now:
        raise InvalidInput(_("The date lies in the future."), field="occurred_at")
    policy = get_policy()
    if kind == PetitionKind.COMPLAINT:
        ack_days, answer_days = policy.complaint_acknowledge_days, policy.complaint_answer_days
    else:
        ack_days, answer_days = policy.petition_acknowledge_days, policy.petition_answer_days
    unit = route(kind, officer=officer, grid_squadron_code=squadron_code)
    code = new_access_code()
    with transaction.atomic():
        petition = Petition.objects.create(
            number=next_petition_number(kind, now),
            kind=kind,
            subject=subject,
            body=body,
            lon=lon,
            lat=lat,
            address=address,
            grid_code=grid_code,
            officer_badge=badge,
            officer=officer,
            occurred_at=occurred_at,
            unit=unit,
            petitioner=user,
            petitioner_name=name,
            petitioner_phone=phone,
            petitioner_email=email,
            access_code_hash=hash_access_code(code),
            received_at=now,
            acknowledge_due=add_working_time(now, days=ack_days),
            answer_due=add_working_time(now, days=answer_days),
        )
        audit_record(
            "portal.petition",
            actor=user,
            target=petition,
            payload={
                "number": petition.number,
                "kind": kind,
                "unit": unit.code,
                "officer": officer.pk if officer else None,
            },
        )
    return PetitionReceipt(petition, code)


# --- who handles ------------------------------------------------------------------------------------


def can_handle(actor: Any, petition: Petition) -> bool:
    user = acting_user(actor)
    if user is None:
        return False
    if petition.officer_id is not None and petition.officer_id == user.pk:
        return False  # nobody answers a complaint about themselves
    if user.is_superuser or user.has_role(*CITYWIDE_ROLES):
        return True
    if not user.has_role(*HANDLER_ROLES) or user.unit_id is None:
        return False
    return petition.unit_id in _units_below({user.unit_id})


def get_petitions_handled_by(actor: Any) -> QuerySet[Petition]:
    """The petitions ``actor`` may handle (the same rule as ``can_handle``, as a database filter)."""
    user = acting_user(actor)
    if user is None:
        return Petition.objects.none()
    qs = Petition.objects.select_related("unit").exclude(officer=user)
    if user.is_superuser or user.has_role(*CITYWIDE_ROLES):
        return qs
    if not user.has_role(*HANDLER_ROLES) or user.unit_id is None:
        return Petition.objects.none()
    # members of a unit handle the petitions of that unit and of the units below it
    return qs.filter(unit_id__in=_units_below({user.unit_id}))


def _units_below(roots: set[int]) -> set[int]:
    found = set(roots)
    frontier = set(found)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def access_petition(actor: Any, number: str) -> Petition:
    """A petition for handling by ``actor`` (NotFound if it does not exist, AccessDenied if not theirs)."""
    petition = (
        Petition.objects.select_related("unit", "officer").filter(number=(number or "").strip()).first()
    )
    if petition is None:
        raise PetitionNotFound(number)
    if acting_user(actor) is None:
        raise WrongRole(_("Sign in first."), field="actor")
    if not can_handle(actor, petition):
        raise AccessDenied(_("This petition is handled by another unit."), field="unit")
    return petition


def _move(petition: Petition, *, from_states: set[str], changes: dict[str, Any]) -> Petition:
    updated = Petition.objects.filter(pk=petition.pk, version=petition.version, state__in=from_states).update(
        **changes, version=F("version") + 1
    )
    if not updated:
        current = Petition.objects.values("state", "version").get(pk=petition.pk)
        raise Conflict(
            _("Somebody else changed this petition first; reload it and try again."),
            field="state",
            state=current["state"],
            version=current["version"],
        )
    return Petition.objects.select_related("unit").get(pk=petition.pk)


def acknowledge_petition(number: str, *, actor: Any, note: str = "") -> Petition:
    """告知受理: the unit tells the petitioner it has taken the petition on."""
    petition = access_petition(actor, number)
    note = _text(note, "note", 2000)
    if petition.state != PetitionState.RECEIVED:
        raise Conflict(_("This petition was already acknowledged."), field="state", state=petition.state)
    user = acting_user(actor)
    with transaction.atomic():
        petition = _move(
            petition,
            from_states={PetitionState.RECEIVED},
            changes={
                "state": PetitionState.ACKNOWLEDGED,
                "acknowledged_at": timezone.now(),
                "acknowledged_by": user,
                "acknowledgement": note,
            },
        )
        audit_record(
            "portal.petition_acknowledge", actor=user, target=petition, payload={"number": petition.number}
        )
    return petition


def answer_petition(number: str, *, actor: Any, answer: str) -> Petition:
    """答复: the unit answers; the answer is shown to the petitioner on the portal."""
    petition = access_petition(actor, number)
    answer = _text(answer, "answer", MAX_BODY, required=True)
    if petition.state == PetitionState.ANSWERED:
        raise Conflict(_("This petition was already answered."), field="state", state=petition.state)
    user = acting_user(actor)
    now = timezone.now()
    changes: dict[str, Any] = {
        "state": PetitionState.ANSWERED,
        "answered_at": now,
        "answered_by": user,
        "answer": answer,
    }
    if petition.acknowledged_at is None:
        changes.update(acknowledged_at=now, acknowledged_by=user)
    with transaction.atomic():
        petition = _move(
            petition, from_states={PetitionState.RECEIVED, PetitionState.ACKNOWLEDGED}, changes=changes
        )
        audit_record(
            "portal.petition_answer", actor=user, target=petition, payload={"number": petition.number}
        )
    return petition


def petition_deadline_status(petition: Petition, now: dt.datetime | None = None) -> str | None:
    """``"overdue"`` or ``"on_time"`` for the step running now (acknowledge, then answer); None when answered."""
    now = now or timezone.now()
    if petition.state == PetitionState.ANSWERED:
        return None
    due = petition.acknowledge_due if petition.state == PetitionState.RECEIVED else petition.answer_due
    return "overdue" if now >= due else "on_time"


def overdue_petitions(now: dt.datetime | None = None) -> QuerySet[Petition]:
    """Petitions past their acknowledgement or answer deadline (for supervision)."""
    now = now or timezone.now()
    return Petition.objects.filter(
        Q(state=PetitionState.RECEIVED, acknowledge_due__lte=now)
        | Q(state__in=[PetitionState.RECEIVED, PetitionState.ACKNOWLEDGED], answer_due__lte=now)
    )
