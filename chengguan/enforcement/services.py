"""Writes to the ledger other than step changes: new parties, recording a violation with its proposal.

``record_violation`` is the one way a violation enters the ledger (API, admin, seed data and the
penalty app all call it): it checks role and territory, validates the party's identifiers, locates
the place, asks ``proposals.propose_step`` for the lawful next step and records everything — the
violation, its first timeline event and the audit entry — in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit
from chengguan.core.errors import BadCoordinates, Conflict, InvalidInput, NotFound
from chengguan.enforcement.access import check_can_read_ledger, check_can_record_at, parse_id
from chengguan.enforcement.identifiers import (
    normalise_credit_code,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
)
from chengguan.enforcement.models import (
    Harm,
    Party,
    PartyKind,
    Scale,
    Violation,
    ViolationEvent,
    ViolationType,
)
from chengguan.enforcement.proposals import propose_step
from chengguan.geo.locate import Location, locate

MAX_TEXT = 4000


@dataclass(frozen=True)
class PartyInput:
    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    plate: str = ""
    phone: str = ""
    usual_place: str = ""
    lon: float | None = None
    lat: float | None = None


def clean_party_input(data: dict[str, Any], *, prefix: str = "") -> PartyInput:
    """Validate and normalise a new party; errors name ``<prefix><field>``."""
    kind = str(data.get("kind") or "")
    if kind not in PartyKind.values:
        raise InvalidInput(
            _("The kind of party must be one of %(allowed)s.") % {"allowed": ", ".join(PartyKind.values)},
            field=prefix + "kind",
        )
    name = normalise_name(str(data.get("name") or ""))
    if not name:
        raise InvalidInput(_("A party needs a name."), field=prefix + "name")
    if len(name) > 100:
        raise InvalidInput(_("The name is too long."), field=prefix + "name")
    values = PartyInput(
        kind=kind,
        name=name,
        id_number=normalise_id_number(str(data.get("id_number") or ""), field=prefix + "id_number"),
        credit_code=normalise_credit_code(str(data.get("credit_code") or ""), field=prefix + "credit_code"),
        plate=normalise_plate(str(data.get("plate") or ""), field=prefix + "plate"),
        phone=normalise_phone(str(data.get("phone") or ""), field=prefix + "phone"),
        usual_place=str(data.get("usual_place") or "").strip()[:200],
        lon=data.get("lon"),
        lat=data.get("lat"),
    )
    if kind == PartyKind.VEHICLE and not values.plate:
        raise InvalidInput(_("A vehicle is identified by its licence plate."), field=prefix + "plate")
    if kind == PartyKind.COMPANY and not values.credit_code:
        raise InvalidInput(
            _("A company is identified by its unified social credit code."), field=prefix + "credit_code"
        )
    return values


def _duplicate_of(values: PartyInput) -> Party | None:
    for name in ("id_number", "credit_code", "plate"):
        value = getattr(values, name)
        if value:
            found = Party.objects.filter(**{name: value}).order_by("pk").first()
            if found is not None:
                return found
    return None


def do_create_party(values: PartyInput, *, actor: Any) -> Party:
    party = Party.objects.create(
        kind=values.kind,
        name=values.name,
        id_number=values.id_number,
        credit_code=values.credit_code,
        plate=values.plate,
        phone=values.phone,
        usual_place=values.usual_place,
        lon=values.lon,
        lat=values.lat,
        created_by=actor,
    )
    audit("enforcement.party_created", actor=actor, target=party, payload={"kind": party.kind})
    return party


def check_create_party(data: dict[str, Any], *, actor: Any, prefix: str = "") -> Party:
    """A new party, unless one with the same ID number, credit code or plate exists (then a 409
    naming it: the officer should pick the existing one)."""
    check_can_read_ledger(actor)
    values = clean_party_input(data, prefix=prefix)
    existing = _duplicate_of(values)
    if existing is not None:
        raise Conflict(
            _("This party is in the ledger already (party %(id)s): choose it instead.") % {"id": existing.pk},
            field=prefix + "kind",
            party=existing.pk,
        )
    with transaction.atomic():
        return do_create_party(values, actor=actor)


def _locate(lon: Any, lat: Any) -> Location:
    try:
        return locate(lon, lat)
    except BadCoordinates as exc:
        raise InvalidInput(exc.message, field=exc.field or "lon") from None


def resolve_violation_type(value: Any) -> ViolationType:
    if isinstance(value, ViolationType):
        return value
    text = str(value or "")
    rows = ViolationType.objects.filter(is_active=True)
    found = rows.filter(pk=int(text)).first() if text.isdigit() and len(text) < 18 else None
    found = found or rows.filter(code=text).first()
    if found is None:
        raise InvalidInput(_("No such violation type."), field="violation_type")
    return found


def _choice(value: Any, choices: Any, field: str, default: str) -> str:
    text = str(value or default)
    if text not in choices.values:
        raise InvalidInput(
            _("%(value)s is not one of %(allowed)s.") % {"value": text, "allowed": ", ".join(choices.values)},
            field=field,
        )
    return text


def check_record_violation(
    *,
    actor: Any,
    violation_type: Any,
    lon: Any = None,
    lat: Any = None,
    party: Any = None,
    new_party: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
    address: str = "",
    description: str = "",
    scale: str = Scale.SMALL,
    harm: str = Harm.MINOR,
    case: Any = None,
) -> Violation:
    """Record a violation of an existing ``party`` (its id) or of a ``new_party`` and propose the step."""
    if (party is None) == (new_party is None):
        raise InvalidInput(
            _("Name the existing party (party) or describe a new one (new_party), not both."), field="party"
        )
    vtype = resolve_violation_type(violation_type)
    case_obj = None
    if case is not None:
        from chengguan.cases.models import Case

        case_obj = Case.objects.filter(pk=parse_id(case, "case")).first()
        if case_obj is None:
            raise InvalidInput(_("No such case."), field="case")
        if lon is None and lat is None:
            lon, lat = case_obj.lon, case_obj.lat
            address = address or case_obj.address
    if lon is None or lat is None:
        raise InvalidInput(_("Give the place of the violation (lon and lat)."), field="lon")
    location = _locate(lon, lat)
    check_can_record_at(actor, location.grid_code)
    now = timezone.now()
    when = occurred_at or now
    if timezone.is_naive(when):
        raise InvalidInput(_("The time must include its time zone."), field="occurred_at")
    if when > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("The violation cannot lie in the future."), field="occurred_at")
    scale = _choice(scale, Scale, "scale", Scale.SMALL)
    harm = _choice(harm, Harm, "harm", Harm.MINOR)
    if len(description or "") > MAX_TEXT:
        raise InvalidInput(_("The description is too long."), field="description")
    party_values = clean_party_input(new_party, prefix="new_party.") if new_party is not None else None
    party_obj = None
    if party is not None:
        party_obj = Party.objects.filter(pk=parse_id(party, "party")).first()
        if party_obj is None:
            raise InvalidInput(_("No such party."), field="party")

    with transaction.atomic():
        if party_values is not None:
            existing = _duplicate_of(party_values)
            if existing is not None:
                raise Conflict(
                    _("This party is in the ledger already (party %(id)s): choose it instead.")
                    % {"id": existing.pk},
                    field="new_party",
                    party=existing.pk,
                )
            party_obj = do_create_party(party_values, actor=actor)
        assert party_obj is not None
        proposal = propose_step(party_obj, vtype, when, harm=harm)
        violation = Violation.objects.create(
            party=party_obj,
            violation_type=vtype,
            case=case_obj,
            occurred_at=when,
            lon=location.lon,
            lat=location.lat,
            address=(address or "")[:200],
            grid_code=location.grid_code,
            district_code=location.district.code if location.district else location.grid_code[:6],
            description=description or "",
            scale=scale,
            harm=harm,
            officer=actor,
            proposed_step=proposal.step,
            proposal_basis=proposal.basis(),
            created_by=actor,
        )
        ViolationEvent.objects.create(
            violation=violation, action="recorded", actor=actor, at=now, payload=proposal.basis()
        )
        audit(
            "enforcement.violation_recorded",
            actor=actor,
            target=violation,
            payload={"party": party_obj.pk, "type": vtype.code, "proposed_step": proposal.step},
        )
    return violation


def get_party_or_raise(party_id: Any) -> Party:
    party = Party.objects.filter(pk=parse_id(party_id, "party")).first()
    if party is None:
        raise NotFound(_("No such party."), field="party")
    return party
