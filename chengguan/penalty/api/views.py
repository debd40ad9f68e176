"""The penalty REST API (``/api/v1/penalty/``): thin views over ``workflow`` and ``selectors``.

Each action validates its input with its serializer, calls the one workflow function (which checks
role, territory, state, version and the law) and renders the proceeding. Errors are rendered by
``chengguan.core.api.exception_handler``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.clock import to_city
from chengguan.core.errors import NotFound
from chengguan.penalty import workflow
from chengguan.penalty.api import serializers as s
from chengguan.penalty.api.serializers import _rows
from chengguan.penalty.deadlines import court_window, decision_due
from chengguan.penalty.models import Proceeding
from chengguan.penalty.selectors import access_proceeding, get_proceedings_visible_to, pending_steps

MAX_ID = 2**63 - 1
ERRORS = {
    400: OpenApiResponse(
        s.ErrorSerializer, description="Invalid input or a rule of the law refuses the step."
    ),
    401: OpenApiResponse(s.ErrorSerializer, description="Not logged in."),
    403: OpenApiResponse(s.ErrorSerializer, description="Role or territory does not allow this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such proceeding (or not yours to know of)."),
    409: OpenApiResponse(s.ErrorSerializer, description="Stale version or wrong state; details carry both."),
}


def parse_id(value: Any) -> int:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound(field="proceeding")
    return int(text)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def render(request: Request, p: Proceeding) -> dict[str, Any]:
    """The detail of a proceeding: fields, pending steps with deadlines, every record, the timeline."""
    from chengguan.enforcement.privacy import mask_party
    from chengguan.evidence.models import Evidence

    now = timezone.now()
    today = to_city(now).date()
    p = Proceeding.objects.select_related("party", "violation").get(pk=p.pk)
    record_ids = [str(r) for r in p.records.values_list("pk", flat=True)]
    service_ids = [str(r) for r in p.services.values_list("pk", flat=True)]
    evidence = Evidence.objects.filter(
        owner_type__in=[workflow.EVIDENCE_OWNER_RECORD, workflow.EVIDENCE_OWNER_SERVICE],
        owner_id__in=record_ids + service_ids,
    )
    body: dict[str, Any] = {
        "id": p.pk,
        "number": p.number,
        "procedure": p.procedure,
        "state": p.state,
        "state_label": str(p.get_state_display()),
        "version": p.version,
        "violation": p.violation_id,
        "party": mask_party(p.party, request.user),
        "grid_code": p.grid_code,
        "district_code": p.district_code,
        "officers": list(p.officers.order_by("pk").values_list("pk", flat=True)),
        "is_major": p.is_major,
        "is_complex": p.is_complex,
        "long_limitation": p.long_limitation,
        "occurred_on": p.occurred_on,
        "opened_on": p.opened_on,
        "decision_due": decision_due(p.opened_on, p.extension_days),
        "extension_days": p.extension_days,
        "notice_served_on": p.notice_served_on,
        "decided_on": p.decided_on,
        "served_on": p.served_on,
        "payment_due": p.payment_due,
        "demand_served_on": p.demand_served_on,
        "court_applied_on": p.court_applied_on,
        "paid_on": p.paid_on,
        "filed_on": p.filed_on,
        "pending": [step.to_dict() for step in pending_steps(p, now)],
        "owed": {k: str(v) for k, v in workflow.amount_owed(p, today).items()},
        "allowed_actions": workflow.allowed_actions(p, request.user),
        "records": _rows(
            p.records.all(),
            ["id", "kind", "started_at", "ended_at", "place", "interviewee", "content", "recorded_by_id"],
        ),
        "notices": _rows(
            p.notices.all(),
            [
                "id",
                "facts",
                "reasons",
                "legal_basis",
                "penalty_kind",
                "fine",
                "confiscation",
                "benchmark_fine",
                "departure_reason",
                "hearing_right",
                "rights_text",
                "issued_by_id",
                "issued_at",
            ],
        ),
        "statements": _rows(p.statements.all(), ["id", "kind", "content", "received_on", "recorded_by_id"]),
        "hearings": _rows(
            p.hearings.all(),
            [
                "id",
                "requested_on",
                "scheduled_for",
                "place",
                "host_id",
                "public",
                "notice_served_on",
                "held_at",
                "party_absent",
                "record",
            ],
        ),
        "reviews": _rows(p.reviews.all(), ["id", "reviewer_id", "result", "opinion", "reviewed_at"]),
        "discussions": _rows(
            p.discussions.all(), ["id", "held_at", "participants", "conclusion", "recorded_by_id"]
        ),
        "decisions": _rows(
            p.decisions.all(),
            [
                "id",
                "number",
                "outcome",
                "penalty_kind",
                "fine",
                "confiscation",
                "facts",
                "reasons",
                "legal_basis",
                "benchmark_fine",
                "departure_reason",
                "decided_by_id",
                "decided_at",
                "supersedes_id",
                "correction_reason",
                "approved_by_id",
            ],
        ),
        "corrections": _rows(
            p.corrections.all(),
            ["id", "decision_id", "new_fine", "reason", "proposed_by_id", "status", "decided_by_id"],
        ),
        "services": _rows(
            p.services.all(),
            [
                "id",
                "document",
                "method",
                "served_on",
                "recipient",
                "address",
                "witness",
                "consent_confirmed",
                "tracking_number",
            ],
        ),
        "payments": _rows(
            p.payments.all(), ["id", "amount", "paid_on", "method", "receipt_number", "surcharge_due"]
        ),
        "demands": _rows(
            p.demands.all(),
            ["id", "fine_due", "surcharge_due", "performance_days", "how_to_pay", "rights_text", "issued_at"],
        ),
        "court_applications": _rows(
            p.court_applications.all(), ["id", "court", "applied_on", "fine_due", "surcharge_due", "note"]
        ),
        "extensions": _rows(
            p.extensions.all(), ["id", "days", "reason", "collective", "approved_by_id", "approved_at"]
        ),
        "evidence": _rows(evidence, ["id", "kind", "sha256", "owner_type", "owner_id", "original_name"]),
        "events": _rows(p.events.all(), ["id", "action", "actor_id", "at", "from_state", "to_state", "note"]),
    }
    if p.served_on is not None:
        window = court_window(p.served_on, p.demand_served_on)
        body["court_window"] = {"opens": window.opens, "closes": window.closes}
    for key, value in list(body.items()):
        if hasattr(value, "isoformat"):
            body[key] = value.isoformat()
    if "court_window" in body:
        body["court_window"] = {k: v.isoformat() for k, v in body["court_window"].items()}
    return body


def _schema(serializer: type, summary: str) -> Callable[[Any], Any]:
    return extend_schema(
        summary=summary,
        request={"application/json": serializer, "multipart/form-data": serializer},
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Proceedings you may see, with their pending legal deadlines",
        parameters=[s.ProceedingQuerySerializer],
        responses={200: s.ProceedingSummarySerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    ),
    retrieve=extend_schema(
        summary="One proceeding: pending steps with deadlines, records, decisions, service, payments, timeline",
        responses={200: OpenApiTypes.OBJECT, 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Open proceedings (立案) for a violation of the ledger",
        request=s.OpenSerializer,
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    ),
)
class ProceedingViewSet(viewsets.GenericViewSet):
    """Administrative penalty proceedings."""

    queryset = Proceeding.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = s.ProceedingSummarySerializer

    def list(self, request: Request) -> Response:
        query = validated(s.ProceedingQuerySerializer, request.query_params)
        rows = get_proceedings_visible_to(request.user).select_related("party").order_by("-opened_at", "-pk")
        if query.get("state"):
            rows = rows.filter(state=query["state"])
        if query.get("procedure"):
            rows = rows.filter(procedure=query["procedure"])
        page = self.paginate_queryset(rows)
        context = {"viewer": request.user, "now": timezone.now()}
        return self.get_paginated_response(
            s.ProceedingSummarySerializer(page, many=True, context=context).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render(request, access_proceeding(request.user, parse_id(pk))))

    def create(self, request: Request) -> Response:
        data = validated(s.OpenSerializer, request.data)
        violation = data.pop("violation")
        p = workflow.open_proceeding(violation, actor=request.user, **data)
        return Response(render(request, p), status=201)

    @extend_schema(
        summary="Decide on the spot (简易程序): a warning or a small fine, served at once",
        request={"application/json": s.SummarySerializer, "multipart/form-data": s.SummarySerializer},
        responses={201: OpenApiTypes.OBJECT, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def summary(self, request: Request) -> Response:
        data = validated(s.SummarySerializer, request.data)
        violation = data.pop("violation")
        p = workflow.summary_decide(violation, actor=request.user, **data)
        return Response(render(request, p), status=201)

    def _act(self, request: Request, pk: str, serializer: type, call: Callable[..., Any]) -> Response:
        proceeding_id = parse_id(pk)
        data = validated(serializer, request.data)
        p = call(proceeding_id, actor=request.user, **data)
        return Response(render(request, p))

    @_schema(s.AssignOfficersSerializer, "Name the officers in charge (at least two with credentials)")
    @action(detail=True, methods=["post"], url_path="assign-officers", url_name="assign-officers")
    def assign_officers(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.AssignOfficersSerializer, workflow.assign_officers)

    @_schema(s.ClassifySerializer, "Mark the case major (legal review) or complex (collective discussion)")
    @action(detail=True, methods=["post"])
    def classify(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ClassifySerializer, workflow.classify)

    @_schema(s.RecordSerializer, "Add an interview, site inspection or evidence record (with files)")
    @action(detail=True, methods=["post"])
    def records(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.RecordSerializer, workflow.add_record)

    @_schema(s.ExtendSerializer, "Extend the time limit to decide (approved by a head)")
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ExtendSerializer, workflow.extend)

    @_schema(s.NoticeSerializer, "Issue the notice of intended penalty (facts, reasons, basis, rights)")
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.NoticeSerializer, workflow.issue_notice)

    @_schema(s.ServiceSerializer, "Record the service of the notice of intended penalty")
    @action(detail=True, methods=["post"], url_path="serve-notice", url_name="serve-notice")
    def serve_notice(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ServiceSerializer, workflow.serve_notice)

    @_schema(s.StatementSerializer, "Record the party's statement and defence")
    @action(detail=True, methods=["post"])
    def statement(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.StatementSerializer, workflow.record_statement)

    @_schema(s.HearingRequestSerializer, "Record the party's request for a hearing")
    @action(detail=True, methods=["post"], url_path="request-hearing", url_name="request-hearing")
    def request_hearing(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.HearingRequestSerializer, workflow.request_hearing)

    @_schema(s.StatementSerializer, "Record the party's written waiver of statement and hearing")
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.StatementSerializer, workflow.waive)

    @_schema(
        s.CloseStatementSerializer,
        "Close the statement period (after it ends), with the review of the statements",
    )
    @action(detail=True, methods=["post"], url_path="close-statement", url_name="close-statement")
    def close_statement(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.CloseStatementSerializer, workflow.close_statement)

    @_schema(s.ScheduleHearingSerializer, "Schedule the hearing and record the service of the hearing notice")
    @action(detail=True, methods=["post"], url_path="schedule-hearing", url_name="schedule-hearing")
    def schedule_hearing(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ScheduleHearingSerializer, workflow.schedule_hearing)

    @_schema(s.HoldHearingSerializer, "Record the hearing")
    @action(detail=True, methods=["post"], url_path="hold-hearing", url_name="hold-hearing")
    def hold_hearing(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.HoldHearingSerializer, workflow.hold_hearing)

    @_schema(s.LegalReviewSerializer, "Legal review (法制审核) by a legal reviewer")
    @action(detail=True, methods=["post"], url_path="legal-review", url_name="legal-review")
    def legal_review(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.LegalReviewSerializer, workflow.legal_review)

    @_schema(s.DiscussionSerializer, "Record the collective discussion of the heads")
    @action(detail=True, methods=["post"], url_path="collective-discussion", url_name="collective-discussion")
    def collective_discussion(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.DiscussionSerializer, workflow.collective_discussion)

    @_schema(s.DecideSerializer, "Decide (行政处罚决定)")
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.DecideSerializer, workflow.decide)

    @_schema(s.ServiceSerializer, "Record the service of the decision (with proof)")
    @action(detail=True, methods=["post"], url_path="serve-decision", url_name="serve-decision")
    def serve_decision(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ServiceSerializer, workflow.serve_decision)

    @_schema(s.PaymentSerializer, "Record a payment (the bank's receipt)")
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.PaymentSerializer, workflow.record_payment)

    @_schema(s.DemandSerializer, "Issue a demand notice (催告) after the last day to pay")
    @action(detail=True, methods=["post"])
    def demand(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.DemandSerializer, workflow.issue_demand)

    @_schema(s.ServiceSerializer, "Record the service of the demand notice")
    @action(detail=True, methods=["post"], url_path="serve-demand", url_name="serve-demand")
    def serve_demand(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ServiceSerializer, workflow.serve_demand)

    @_schema(s.CourtSerializer, "Apply to the court for enforcement")
    @action(detail=True, methods=["post"], url_path="court-application", url_name="court-application")
    def court_application(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.CourtSerializer, workflow.apply_to_court)

    @_schema(s.FileSummarySerializer, "File an on-the-spot decision with the bureau")
    @action(detail=True, methods=["post"], url_path="file-summary", url_name="file-summary")
    def file_summary(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.FileSummarySerializer, workflow.file_summary)

    @_schema(s.ProposeCorrectionSerializer, "Propose a correction of the decided fine")
    @action(detail=True, methods=["post"], url_path="propose-correction", url_name="propose-correction")
    def propose_correction(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ProposeCorrectionSerializer, workflow.propose_correction)

    @_schema(s.DecideCorrectionSerializer, "Approve or refuse the pending correction (a second person)")
    @action(detail=True, methods=["post"], url_path="decide-correction", url_name="decide-correction")
    def decide_correction(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.DecideCorrectionSerializer, workflow.decide_correction)
