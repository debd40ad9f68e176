"""The seizures REST API (``/api/v1/seizures/``): thin views over ``workflow`` and ``services``.

Each action validates its input with its serializer and calls the one workflow function, which checks
role, territory, state, version and the law. Errors are rendered by ``chengguan.core.api``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.clock import to_city
from chengguan.seizures import services, terms, workflow
from chengguan.seizures.access import (
    access_incident,
    access_seizure,
    get_incidents_visible_to,
    get_policy,
    get_seizures_visible_to,
)
from chengguan.seizures.api import serializers as s
from chengguan.seizures.errors import IncidentNotFound, SeizureNotFound
from chengguan.seizures.models import ObstructionIncident, Seizure, SeizureState

MAX_ID = 2**63 - 1
ERRORS = {
    400: OpenApiResponse(
        s.ErrorSerializer, description="Invalid input or a rule of the law refuses the step."
    ),
    401: OpenApiResponse(s.ErrorSerializer, description="Not logged in."),
    403: OpenApiResponse(s.ErrorSerializer, description="Role or territory does not allow this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such record (or not yours to know of)."),
    409: OpenApiResponse(s.ErrorSerializer, description="Stale version or wrong state; details carry both."),
}


def parse_id(value: Any, error: type[Exception] = SeizureNotFound) -> int:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise error()
    return int(text)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def summary(seizure: Seizure, today: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": seizure.pk,
        "number": seizure.number,
        "kind": seizure.kind,
        "state": seizure.state,
        "state_label": str(seizure.get_state_display()),
        "version": seizure.version,
        "violation": seizure.violation_id,
        "grid_code": seizure.grid_code,
        "storage_place": seizure.storage_place,
        "decided_at": seizure.decided_at.isoformat(),
        "term": None,
    }
    if seizure.state == SeizureState.IN_FORCE:
        term = terms.term_status(seizure, today, get_policy().warn_days_before)
        body["term"] = {**term, "term_end": term["term_end"].isoformat()}
    return body


def render(request: Request, seizure: Seizure) -> dict[str, Any]:
    """The detail of a seizure: decision, list with photos, copies, term, evaluations, timeline."""
    from chengguan.enforcement.privacy import mask_party
    from chengguan.evidence.models import Evidence

    today = to_city(timezone.now()).date()
    seizure = Seizure.objects.select_related("party", "violation").get(pk=seizure.pk)
    items = list(seizure.items.all())
    photos: dict[str, list[dict[str, Any]]] = {}
    for e in Evidence.objects.filter(
        owner_type=workflow.EVIDENCE_OWNER_ITEM, owner_id__in=[str(i.pk) for i in items]
    ).order_by("pk"):
        photos.setdefault(e.owner_id, []).append({"id": e.pk, "sha256": e.sha256, "mime_type": e.mime_type})
    return {
        **summary(seizure, today),
        "party": mask_party(seizure.party, request.user),
        "reason": seizure.reason,
        "legal_basis": seizure.legal_basis,
        "return_after_penalty": seizure.return_after_penalty,
        "officers": sorted(seizure.officers.values_list("pk", flat=True)),
        "approved_by": seizure.approved_by_id,
        "start_date": seizure.start_date.isoformat(),
        "term_days": seizure.term_days,
        "extension": {
            "days": seizure.extension_days,
            "reason": seizure.extension_reason,
            "approved_by": seizure.extended_by_id,
            "at": seizure.extended_at.isoformat() if seizure.extended_at else None,
        },
        "items": [
            {
                "id": i.pk,
                "name": i.name,
                "quantity": str(i.quantity),
                "unit": i.unit,
                "condition": i.condition,
                "photos": photos.get(str(i.pk), []),
            }
            for i in items
        ],
        "copies": [
            {
                "holder": c.holder,
                "signed_by": c.signed_by,
                "refused": c.refused,
                "witness": c.witness,
                "signed_at": c.signed_at.isoformat(),
            }
            for c in seizure.copies.order_by("holder")
        ],
        "evaluations": [
            {
                "id": e.pk,
                "kind": e.kind,
                "institution": e.institution,
                "started_on": e.started_on.isoformat(),
                "ended_on": e.ended_on.isoformat() if e.ended_on else None,
            }
            for e in seizure.evaluations.all()
        ],
        "release": {
            "kind": seizure.release_kind,
            "reason": seizure.release_reason,
            "at": seizure.released_at.isoformat() if seizure.released_at else None,
        },
        "return": {
            "to": seizure.returned_to,
            "receipt_number": seizure.return_receipt,
            "at": seizure.returned_at.isoformat() if seizure.returned_at else None,
        },
        "disposal": {
            "method": seizure.disposal_method,
            "decision_number": seizure.disposal_decision,
            "at": seizure.disposed_at.isoformat() if seizure.disposed_at else None,
        },
        "actions": workflow.allowed_actions(seizure, request.user),
        "events": [
            {
                "action": e.action,
                "actor": e.actor_id,
                "at": e.at.isoformat(),
                "from_state": e.from_state,
                "to_state": e.to_state,
            }
            for e in seizure.events.all()
        ],
    }


def _schema(serializer: type, summary_text: str) -> Callable[[Any], Any]:
    return extend_schema(
        summary=summary_text, request=serializer, responses={200: OpenApiTypes.OBJECT, **ERRORS}
    )


class SeizureViewSet(viewsets.GenericViewSet):
    """Seizures (查封、扣押) and their itemised lists."""

    queryset = Seizure.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = s.SeizureCreateSerializer

    @extend_schema(
        operation_id="seizures_list",
        summary="Seizures visible to you",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def list(self, request: Request) -> Response:
        rows = (
            get_seizures_visible_to(request.user)
            .prefetch_related("evaluations")
            .order_by("-decided_at", "-pk")
        )
        state = request.query_params.get("state")
        if state:
            rows = rows.filter(state=state)
        today = to_city(timezone.now()).date()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([summary(r, today) for r in page])

    @extend_schema(summary="One seizure", responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render(request, access_seizure(request.user, parse_id(pk))))

    @_schema(s.SeizureCreateSerializer, "Decide a seizure, with its itemised list")
    def create(self, request: Request) -> Response:
        data = validated(s.SeizureCreateSerializer, request.data)
        violation = data.pop("violation")
        data["items"] = [dict(i) for i in data["items"]]
        seizure = workflow.create_seizure(violation, actor=request.user, **data)
        return Response(render(request, seizure), status=201)

    def _act(
        self, request: Request, pk: str, serializer: type, call: Callable[..., Any], **kw: Any
    ) -> Response:
        seizure_id = parse_id(pk)
        data = validated(serializer, request.data)
        seizure = call(seizure_id, actor=request.user, **kw, **data)
        return Response(render(request, seizure))

    @_schema(s.SeizureAddItemSerializer, "Add an item to the list (before it is signed)")
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureAddItemSerializer, workflow.add_item)

    @extend_schema(
        summary="Add a photo of a listed item",
        request={"multipart/form-data": s.SeizurePhotoSerializer},
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/photos", url_name="item-photos")
    def item_photos(self, request: Request, pk: str, item_id: str) -> Response:
        data = validated(s.SeizurePhotoSerializer, request.data)
        evidence = workflow.add_item_photo(parse_id(pk), item_id, actor=request.user, file=data["file"])
        return Response({"id": evidence.pk, "sha256": evidence.sha256}, status=201)

    @_schema(s.SeizureCopySerializer, "Record who signed a copy of the list (party's copy, file copy)")
    @action(detail=True, methods=["post"])
    def copies(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureCopySerializer, workflow.sign_copy)

    @_schema(s.SeizureEvaluationSerializer, "Record a testing / inspection / quarantine / appraisal period")
    @action(detail=True, methods=["post"])
    def evaluations(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureEvaluationSerializer, workflow.add_evaluation)

    @_schema(s.SeizureEndEvaluationSerializer, "End an evaluation period")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"evaluations/(?P<evaluation_id>\d+)/end",
        url_name="end-evaluation",
    )
    def end_evaluation(self, request: Request, pk: str, evaluation_id: str) -> Response:
        return self._act(
            request,
            pk,
            s.SeizureEndEvaluationSerializer,
            workflow.end_evaluation,
            evaluation_id=evaluation_id,
        )

    @_schema(s.SeizureExtendSerializer, "Extend the term once (head of the bureau)")
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureExtendSerializer, workflow.extend)

    @_schema(s.SeizureReleaseSerializer, "Release the seizure by decision")
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureReleaseSerializer, workflow.release)

    @_schema(s.SeizureReturnSerializer, "Hand the items back against a receipt")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_items(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureReturnSerializer, workflow.return_items)

    @_schema(
        s.SeizureDisposeSerializer, "Dispose of the items under a penalty decision that confiscates them"
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SeizureDisposeSerializer, workflow.dispose)


def render_incident(incident: ObstructionIncident) -> dict[str, Any]:
    from chengguan.evidence.models import Evidence

    referral = getattr(incident, "referral", None)
    return {
        "id": incident.pk,
        "occurred_at": incident.occurred_at.isoformat(),
        "lon": incident.lon,
        "lat": incident.lat,
        "address": incident.address,
        "grid_code": incident.grid_code,
        "description": incident.description,
        "injuries": incident.injuries,
        "officers": sorted(incident.officers.values_list("pk", flat=True)),
        "violation": incident.violation_id,
        "evidence": [
            {"id": e.pk, "kind": e.kind, "sha256": e.sha256}
            for e in Evidence.objects.filter(
                owner_type=services.EVIDENCE_OWNER_INCIDENT, owner_id=str(incident.pk)
            ).order_by("pk")
        ],
        "referral": None
        if referral is None
        else {
            "police_station": referral.police_station,
            "referred_at": referral.referred_at.isoformat(),
            "reference_number": referral.reference_number,
            "referred_by": referral.referred_by_id,
        },
    }


class IncidentViewSet(viewsets.GenericViewSet):
    """Obstruction incidents (暴力抗法) and their referral to the police."""

    queryset = ObstructionIncident.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = s.ObstructionIncidentSerializer

    @extend_schema(
        operation_id="seizures_incidents_list",
        summary="Obstruction incidents visible to you",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def list(self, request: Request) -> Response:
        rows = (
            get_incidents_visible_to(request.user).select_related("referral").order_by("-occurred_at", "-pk")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([render_incident(r) for r in page])

    @extend_schema(summary="One obstruction incident", responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_incident(access_incident(request.user, parse_id(pk, IncidentNotFound))))

    @_schema(s.ObstructionIncidentSerializer, "Record an obstruction incident (with evidence files)")
    def create(self, request: Request) -> Response:
        data = validated(s.ObstructionIncidentSerializer, request.data)
        data["violation_id"] = data.pop("violation")
        incident = services.record_obstruction(actor=request.user, **data)
        return Response(render_incident(incident), status=201)

    @_schema(s.ObstructionReferralSerializer, "Refer the incident to the police")
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        data = validated(s.ObstructionReferralSerializer, request.data)
        services.refer_to_police(parse_id(pk, IncidentNotFound), actor=request.user, **data)
        incident = ObstructionIncident.objects.get(pk=int(pk))
        return Response(render_incident(incident))
