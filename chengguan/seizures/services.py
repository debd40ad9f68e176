"""Writes other than seizure state changes: the hook the penalty app calls when a fine is paid
(先罚后返), and obstruction incidents (暴力抗法) with their referral to the police.

``on_penalty_paid(violation)`` — call it from the penalty app once a proceeding on ``violation`` is paid
in full, inside the transaction that records the payment. Every seizure of the violation that is
still in force and marked "return after penalty" is released (reason ``penalty_paid``), with an event
and an audit entry; the officers then hand the items back against a receipt
(``workflow.return_items``). A seizure whose violation has a standing decision confiscating property
is left for disposal. Calling it again changes nothing. Returns the seizures released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.geo.locate import locate
from chengguan.org.access import check_can_act_at
from chengguan.seizures import workflow
from chengguan.seizures.access import FIELD_ROLES, access_incident
from chengguan.seizures.errors import InvalidInput, InvalidTransition
from chengguan.seizures.models import ObstructionIncident, PoliceReferral, Seizure, SeizureState

EVIDENCE_OWNER_INCIDENT = "seizures.obstruction"


def on_penalty_paid(violation: Any, *, now: dt.datetime | None = None) -> list[Seizure]:
    """先罚后返: release the violation's seizures once its penalty is paid (see the module docstring)."""
    now = now or timezone.now()
    violation_id = getattr(violation, "pk", violation)
    seizures = Seizure.objects.filter(
        violation_id=violation_id, state=SeizureState.IN_FORCE, return_after_penalty=True
    ).select_related("violation")
    released: list[Seizure] = []
    for seizure in seizures.order_by("pk"):
        if workflow.confiscating_decision(seizure.violation) is not None:
            continue
        done = workflow.release_after_penalty(seizure, now=now)
        if done is not None:
            released.append(done)
    return released


# --- obstruction incidents --------------------------------------------------------------------------


def record_obstruction(
    *,
    actor: Any,
    occurred_at: Any,
    lon: Any,
    lat: Any,
    address: str,
    description: str,
    officers: Iterable[Any],
    injuries: str = "",
    violation_id: Any = None,
    files: Iterable[Any] | None = None,
) -> ObstructionIncident:
    """暴力抗法: time, place (located to its grid), the officers involved, injuries and evidence."""
    from chengguan.enforcement.models import Violation
    from chengguan.evidence.services import stage_evidence_file, store_evidence

    user = workflow._check_role(actor, FIELD_ROLES)
    now = timezone.now()
    moment = workflow._moment(occurred_at, "occurred_at", now=now)
    if occurred_at in (None, ""):
        raise InvalidInput(_("occurred_at is required."), field="occurred_at")
    where = locate(lon, lat)
    check_can_act_at(user, where)
    address = workflow._text(address, "address", limit=200)
    description = workflow._text(description, "description")
    injuries = workflow._text(injuries, "injuries", required=False)
    team = workflow._users(officers, "officers")
    if not team:
        raise InvalidInput(_("Name the officers involved."), field="officers")
    violation = None
    if violation_id not in (None, ""):
        violation = (
            Violation.objects.filter(pk=int(violation_id)).first() if str(violation_id).isdigit() else None
        )
        if violation is None:
            raise InvalidInput(_("There is no such violation."), field="violation")
    staged = [stage_evidence_file(f) for f in (files or [])]
    with transaction.atomic():
        incident = ObstructionIncident.objects.create(
            occurred_at=moment,
            lon=where.lon,
            lat=where.lat,
            address=address,
            grid_code=where.grid_code,
            district_code=where.district.code if where.district else where.grid_code[:6],
            description=description,
            injuries=injuries,
            violation=violation,
            party=violation.party if violation else None,
            recorded_by=user,
            created_at=now,
        )
        incident.officers.set(team)
        evidence = [
            store_evidence(
                s, owner_type=EVIDENCE_OWNER_INCIDENT, owner_id=str(incident.pk), uploaded_by=user
            ).pk
            for s in staged
        ]
        audit_record(
            "seizures.obstruction",
            actor=user,
            target=incident,
            payload={
                "occurred_at": moment,
                "grid_code": incident.grid_code,
                "officers": sorted(u.pk for u in team),
                "injuries": bool(injuries),
                "evidence": evidence,
            },
        )
    return incident


def refer_to_police(
    incident_id: Any,
    *,
    actor: Any,
    police_station: str,
    reference_number: str,
    referred_at: Any = None,
    note: str = "",
) -> PoliceReferral:
    """The transfer of an incident to the police: receiving station, time and their reference number."""
    incident = access_incident(actor, incident_id)
    user = workflow._check_role(actor, FIELD_ROLES)
    check_can_act_at(user, incident.grid_code)
    now = timezone.now()
    station = workflow._text(police_station, "police_station", limit=100)
    reference = workflow._text(reference_number, "reference_number", limit=64)
    moment = workflow._moment(referred_at, "referred_at", now=now)
    if moment < incident.occurred_at:
        raise InvalidInput(_("An incident cannot be referred before it happened."), field="referred_at")
    note = workflow._text(note, "note", required=False)
    with transaction.atomic():
        if PoliceReferral.objects.filter(incident=incident).exists():
            raise InvalidTransition(
                _("This incident has already been referred to the police."), field="incident"
            )
        referral = PoliceReferral.objects.create(
            incident=incident,
            police_station=station,
            referred_at=moment,
            reference_number=reference,
            note=note,
            referred_by=user,
            created_at=now,
        )
        audit_record(
            "seizures.refer_to_police",
            actor=user,
            target=incident,
            payload={"police_station": station, "reference_number": reference, "referred_at": moment},
        )
    return referral
