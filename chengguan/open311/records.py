"""A case as an Open311 ``request`` record: only public facts, every field present (None when unknown).

Never in a record: the reporter's name, phone or e-mail address, staff names, internal notes or
payloads. Free text (the description, public timeline notes) goes through
``chengguan.portal.masking.mask_text`` with the reporter's own contact data masked as well, so a
reporter who typed their phone number into the description does not see it published.

Media are photos of the case that staff cleared for the public (``portal.PhotoClearance``: no faces,
no personal data), re-encoded without their metadata when served, plus a ``media_url`` the client
application sent (already public on its side).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from chengguan.cases.intake import CASE_OWNER_TYPE
from chengguan.cases.models import Case, CaseEvent, CaseState
from chengguan.catalog.models import localized_name
from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.open311.codes import DETAILED_STATUS, service_code, status_of
from chengguan.open311.datetimes import format_datetime
from chengguan.portal.masking import mask_text

# What a public timeline entry without a note says, by the event's action.
ACTION_LABELS = {
    "reported": gettext_lazy("Reported."),
    "registered": gettext_lazy("Registered as a case."),
    "rejected": gettext_lazy("Not registered."),
    "merged": gettext_lazy("Merged into another report of the same problem."),
    "dispatched": gettext_lazy("Dispatched to the unit that handles it."),
    "accepted": gettext_lazy("Accepted by the handling unit."),
    "handled": gettext_lazy("Handled; waiting for verification on site."),
    "closed": gettext_lazy("Verified on site and closed."),
    "transferred": gettext_lazy("Transferred to the agency responsible."),
    "transfer_receipt": gettext_lazy("Transfer receipt issued."),
    "cancelled": gettext_lazy("Cancelled."),
    "reopened": gettext_lazy("Reopened."),
    "rework": gettext_lazy("Sent back for rework."),
}
# Public photos are served in these types only (re-encoded by Pillow without metadata).
SERVED_PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def public_text(text: str, case: Case) -> str:
    """``text`` as the public may read it: the reporter's contact data and any personal data masked."""
    if not text:
        return ""
    for secret in (case.reporter_phone, case.reporter_email):
        secret = (secret or "").strip()
        if len(secret) >= 3:
            text = text.replace(secret, "*" * len(secret))
    return mask_text(text, names=[case.reporter_name] if case.reporter_name else [])


def public_events(case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    rows = CaseEvent.objects.filter(case_id__in=case_ids, public=True).order_by("at", "pk")
    for event in rows.only("case_id", "action", "at", "from_state", "to_state", "note"):
        events[event.case_id].append(event)
    return events


def public_photos(case_ids: Sequence[int]) -> dict[int, list[Evidence]]:
    """Photos of the cases that staff cleared for the public, oldest first."""
    photos: dict[int, list[Evidence]] = defaultdict(list)
    rows = Evidence.objects.filter(
        owner_type=CASE_OWNER_TYPE,
        owner_id__in=[str(i) for i in case_ids],
        kind=EvidenceKind.PHOTO,
        mime_type__in=list(SERVED_PHOTO_TYPES),
        clearance__isnull=False,
    ).order_by("uploaded_at", "id")
    for item in rows.only("id", "owner_id", "sha256", "mime_type"):
        photos[int(item.owner_id)].append(item)
    return photos


def media_path(evidence: Evidence) -> str:
    return reverse(
        "open311:media",
        kwargs={
            "evidence_id": evidence.pk,
            "digest": evidence.sha256[:16],
            "extension": SERVED_PHOTO_TYPES[evidence.mime_type],
        },
    )


def _note(event: CaseEvent, case: Case) -> str:
    text = public_text(event.note, case)
    if event.action == "reported" or not text:
        label = ACTION_LABELS.get(event.action)
        return str(label) if label else event.action
    return text


def _status_notes(case: Case, events: Iterable[CaseEvent]) -> str | None:
    changes = [e for e in events if e.action != "reported" and e.to_state and e.from_state != e.to_state]
    if not changes:
        return None
    return _note(changes[-1], case) or None


def _agency(case: Case) -> str | None:
    if case.state == CaseState.TRANSFERRED and case.transferred_to is not None:
        return case.transferred_to.name
    if case.assigned_unit is not None:
        return case.assigned_unit.name
    return None


def _client_media_url(case: Case) -> str:
    try:
        return case.open311.media_url
    except Case.open311.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return ""


def record(
    case: Case,
    request: HttpRequest,
    *,
    events: list[CaseEvent],
    photos: list[Evidence],
    extensions: bool,
    distance_m: float | None = None,
) -> dict[str, Any]:
    """One ``request`` element (dict in the spec's field order)."""
    urls = [request.build_absolute_uri(media_path(p)) for p in photos]
    client_url = _client_media_url(case)
    if client_url:
        urls.append(client_url)
    body: dict[str, Any] = {
        "service_request_id": case.number,
        "status": status_of(case.state),
        "status_notes": _status_notes(case, events),
        "service_name": localized_name(case.category),
        "service_code": service_code(case.category),
        "description": public_text(case.description, case) or None,
        "agency_responsible": _agency(case),
        "service_notice": None,
        "requested_datetime": format_datetime(case.reported_at),
        "updated_datetime": format_datetime(case.updated_at),
        "expected_datetime": format_datetime(case.handle_due),
        "address": public_text(case.address, case) or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": urls[0] if urls else None,
    }
    if extensions:
        body["extended_attributes"] = {
            "detailed_status": DETAILED_STATUS.get(CaseState(case.state), case.state),
            "state": case.state,
            "state_name": str(CaseState(case.state).label),
            "urgency": case.urgency,
            "duplicate_of": case.merged_into.number if case.merged_into is not None else None,
            "closed_datetime": format_datetime(case.closed_at),
            "distance": round(distance_m, 1) if distance_m is not None else None,
            "media_urls": urls,
        }
        body["notes"] = [
            {"datetime": format_datetime(e.at), "type": e.action, "description": _note(e, case)}
            for e in events
        ]
    return body


def records(
    cases: Sequence[Case],
    request: HttpRequest,
    *,
    extensions: bool,
    distances: dict[int, float] | None = None,
) -> list[dict[str, Any]]:
    """The records of ``cases`` with a fixed number of queries."""
    ids = [c.pk for c in cases]
    events = public_events(ids)
    photos = public_photos(ids)
    distances = distances or {}
    return [
        record(
            case,
            request,
            events=events.get(case.pk, []),
            photos=photos.get(case.pk, []),
            extensions=extensions,
            distance_m=distances.get(case.pk),
        )
        for case in cases
    ]


RECORD_RELATED = ("category", "category__major", "assigned_unit", "transferred_to", "merged_into", "open311")
