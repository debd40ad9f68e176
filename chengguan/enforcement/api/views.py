"""The enforcement REST API (``/api/v1/enforcement/``): thin views over services, workflow and selectors.

Each view validates its input with the endpoint's serializer, fetches through ``access`` (role and
territory), calls the one function that does the work and renders the result. Errors are rendered
by ``chengguan.core.api.exception_handler``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.errors import InvalidInput, NotFound
from chengguan.enforcement import access, selectors, services, workflow
from chengguan.enforcement.api import serializers as s
from chengguan.enforcement.discretion import Circumstances, circumstances_of, propose_fine
from chengguan.enforcement.matching import Facts, find_candidates
from chengguan.enforcement.models import ReinspectionTask, Violation, ViolationType
from chengguan.enforcement.privacy import mask_party
from chengguan.evidence.models import Evidence
from chengguan.evidence.services import store_evidence


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def render_violations(request: Request, violations: list[Violation]) -> list[dict[str, Any]]:
    context = {"viewer": request.user, "evidence": selectors.evidence_by_violation(violations)}
    return s.ViolationSerializer(violations, many=True, context=context).data


def render_violation(request: Request, violation_id: int) -> dict[str, Any]:
    violation = (
        Violation.objects.select_related("violation_type", "violation_type__category", "party", "officer")
        .prefetch_related("reinspections")
        .get(pk=violation_id)
    )
    return render_violations(request, [violation])[0]


# --- parties ----------------------------------------------------------------------------------------


class PartyListView(generics.GenericAPIView):
    """Search the ledger by any identifier or name; create a party."""

    parser_classes = [JSONParser, FormParser]
    serializer_class = s.PartySerializer

    @extend_schema(
        summary="Search parties by ID number, credit code, plate, phone or name (masked per role)",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="any identifier or part of a name")],
        responses={200: s.PartySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        access.check_can_read_ledger(request.user)
        rows = selectors.search_parties(query=str(request.query_params.get("q", ""))[:100])
        page = self.paginate_queryset(rows)
        data = [mask_party(p, request.user) for p in page]
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Create a party", request=s.PartyCreateSerializer, responses={201: s.PartySerializer}
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PartyCreateSerializer, request.data)
        party = services.check_create_party(data, actor=request.user)
        return Response(mask_party(party, request.user), status=201)


class PartyDetailView(APIView):
    @extend_schema(
        summary="A party with its whole history of violations", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, pk: str) -> Response:
        party = access.access_party(request.user, pk)
        history = selectors.get_party_history(party=party)
        body = mask_party(party, request.user)
        body["violation_count"] = len(history)
        body["history"] = render_violations(request, history)
        return Response(body)


class PartyHistoryView(APIView):
    @extend_schema(
        summary="A party's violations: time, place, category, evidence, resolution",
        responses={200: s.ViolationSerializer(many=True)},
    )
    def get(self, request: Request, pk: str) -> Response:
        party = access.access_party(request.user, pk)
        return Response(render_violations(request, selectors.get_party_history(party=party)))


class MatchView(APIView):
    """Candidates for the party in front of the officer: exact identifiers first, then a fuzzy score."""

    @extend_schema(
        summary="Matching candidates with their score and its parts",
        parameters=[s.MatchQuerySerializer],
        responses={200: s.CandidateSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        access.check_can_read_ledger(request.user)
        facts = Facts.parse(_valid(s.MatchQuerySerializer, request.query_params))
        if facts.is_empty():
            raise InvalidInput(_("Give at least one of name, phone, place or an identifier."), field="name")
        candidates = find_candidates(facts)
        return Response(
            [
                {
                    "party": mask_party(c.party, request.user),
                    "score": c.score,
                    "exact": c.exact,
                    "parts": c.parts,
                }
                for c in candidates
            ]
        )


# --- violations ------------------------------------------------------------------------------------


class ViolationListView(generics.GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = s.ViolationSerializer

    @extend_schema(
        summary="Violations in your territory, newest first",
        responses={200: s.ViolationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = (
            access.get_violations_visible_to(request.user)
            .select_related("violation_type", "violation_type__category", "party", "officer")
            .prefetch_related("reinspections")
            .order_by("-occurred_at", "-pk")
        )
        status = request.query_params.get("status")
        if status:
            rows = rows.filter(status=status)
        page = list(self.paginate_queryset(rows))
        return self.get_paginated_response(render_violations(request, page))

    @extend_schema(
        summary="Record a violation; the answer carries the proposed step and why",
        request=s.ViolationCreateSerializer,
        responses={201: s.ViolationSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ViolationCreateSerializer, request.data)
        if "new_party" in data:
            data["new_party"] = dict(data["new_party"])
        violation = services.check_record_violation(actor=request.user, **data)
        return Response(render_violation(request, violation.pk), status=201)


class ViolationDetailView(APIView):
    @extend_schema(summary="One violation", responses={200: s.ViolationSerializer})
    def get(self, request: Request, pk: str) -> Response:
        violation = access.access_violation(request.user, pk)
        return Response(render_violation(request, violation.pk))


class ChooseStepView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Choose the step (a reason is required when it differs from the proposal)",
        request=s.ChooseStepSerializer,
        responses={200: s.ViolationSerializer},
    )
    def post(self, request: Request, pk: str) -> Response:
        violation = access.access_violation(request.user, pk)
        data = _valid(s.ChooseStepSerializer, request.data)
        workflow.choose_step(violation, actor=request.user, **data)
        return Response(render_violation(request, violation.pk))


class ViolationEvidenceView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Attach evidence files (photo, video, audio, document) to a violation",
        request={"multipart/form-data": {"type": "object", "properties": {"files": {"type": "array"}}}},
        responses={201: s.ViolationSerializer},
    )
    def post(self, request: Request, pk: str) -> Response:
        violation = access.access_violation(request.user, pk)
        access.check_can_record_at(request.user, violation.grid_code)
        files = request.FILES.getlist("files")
        if not files:
            raise InvalidInput(_("Attach at least one file."), field="files")
        with transaction.atomic():
            for upload in files:
                store_evidence(
                    upload,
                    owner_type=selectors.VIOLATION_OWNER_TYPE,
                    owner_id=str(violation.pk),
                    uploaded_by=request.user,
                    expected_time=violation.occurred_at,
                    expected_lon=violation.lon,
                    expected_lat=violation.lat,
                )
        return Response(render_violation(request, violation.pk), status=201)


class ViolationEvidenceFileView(APIView):
    @extend_schema(
        summary="Download one evidence file of a violation",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: str, evidence_id: str) -> FileResponse:
        violation = access.access_violation(request.user, pk)
        refs = selectors.evidence_by_violation([violation]).get(violation.pk, [])
        wanted = access.parse_id(evidence_id, "evidence")
        if wanted not in {r.id for r in refs}:
            raise NotFound(field="evidence")
        item = Evidence.objects.get(pk=wanted)
        return FileResponse(
            item.file.open("rb"), content_type=item.mime_type, filename=item.original_name or None
        )


class ViolationFineProposalView(APIView):
    @extend_schema(
        summary="The fine the discretion benchmark proposes for this violation's facts",
        parameters=[
            OpenApiParameter("base_amount", OpenApiTypes.NUMBER),
            OpenApiParameter("corrected", OpenApiTypes.STR),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: str) -> Response:
        violation = access.access_violation(request.user, pk)
        overrides = {
            k: v for k, v in request.query_params.items() if k in ("offence", "scale", "harm", "corrected")
        }
        if "base_amount" in request.query_params:
            overrides["base_amount"] = _valid(
                s.FineQuerySerializer,
                {"violation_type": violation.violation_type.code, **request.query_params.dict()},
            )["base_amount"]
        circumstances = circumstances_of(violation, **overrides)
        return Response(_fine_body(violation.violation_type, circumstances))


# --- re-inspections, types, fines ------------------------------------------------------------------


class ReinspectionResultView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Record what the re-inspection found (not corrected → proceedings)",
        request=s.ReinspectionResultSerializer,
        responses={200: s.ViolationSerializer},
    )
    def post(self, request: Request, pk: str) -> Response:
        task = access.access_reinspection(request.user, pk)
        data = _valid(s.ReinspectionResultSerializer, request.data)
        workflow.record_reinspection(task, actor=request.user, **data)
        return Response(render_violation(request, task.violation_id))


class ReinspectionListView(generics.GenericAPIView):
    serializer_class = s.ReinspectionSerializer

    @extend_schema(
        summary="Re-inspection tasks in your territory, soonest due first (?result=pending)",
        parameters=[OpenApiParameter("result", OpenApiTypes.STR)],
        responses={200: s.ReinspectionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        visible = access.get_violations_visible_to(request.user)
        rows = ReinspectionTask.objects.filter(violation__in=visible).order_by("due_date", "pk")
        result = request.query_params.get("result")
        if result:
            rows = rows.filter(result=result)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ReinspectionSerializer(page, many=True).data)


class ViolationTypeListView(generics.ListAPIView):
    serializer_class = s.ViolationTypeSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        access.check_can_read_ledger(self.request.user)
        return (
            ViolationType.objects.filter(is_active=True)
            .select_related("category")
            .prefetch_related("provisions")
            .order_by("code")
        )


def _fine_body(violation_type: ViolationType, circumstances: Circumstances) -> dict[str, Any]:
    proposal = propose_fine(violation_type, circumstances)
    return {
        "violation_type": violation_type.code,
        "circumstances": {
            "offence": circumstances.offence,
            "scale": circumstances.scale,
            "harm": circumstances.harm,
            "corrected": circumstances.corrected,
            "base_amount": None if circumstances.base_amount is None else str(circumstances.base_amount),
        },
        # money as decimal strings (yuan), never floats
        "min": str(proposal.min),
        "max": str(proposal.max),
        "proposed": str(proposal.proposed),
        "basis_text": proposal.basis_text,
        "benchmark": proposal.benchmark_id,
    }


class FineProposalView(APIView):
    @extend_schema(
        summary="The fine the discretion benchmark proposes for the given circumstances",
        parameters=[s.FineQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        access.check_can_read_ledger(request.user)
        data = _valid(s.FineQuerySerializer, request.query_params)
        vtype = services.resolve_violation_type(data.pop("violation_type"))
        return Response(_fine_body(vtype, Circumstances(**data)))
