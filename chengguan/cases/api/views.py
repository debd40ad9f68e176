"""The cases REST API (``/api/v1/``): thin views over ``intake``, ``workflow`` and ``selectors``.

A view validates its input with the endpoint's serializer, calls the one function that does the work
(which checks role, territory, the transition and the version), and renders the result. No view
changes state itself. Errors are rendered by ``chengguan.core.api.exception_handler``.

Two small read APIs of other apps live here too until those apps grow their own ``api/``:
``GET /api/v1/locate/`` (geo) and ``GET /api/v1/categories/`` (catalog).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from chengguan.cases import intake, selectors, workflow
from chengguan.cases.api import serializers as s
from chengguan.cases.api.filters import CaseListQuerySerializer, filter_cases
from chengguan.cases.intake import CASE_OWNER_TYPE
from chengguan.cases.models import Case, CaseEvent, ExtensionRequest
from chengguan.catalog.models import CategoryKind
from chengguan.catalog.selectors import get_all_active_categories
from chengguan.core.errors import ChengguanError, InvalidInput, NotFound
from chengguan.evidence.models import Evidence
from chengguan.evidence.selectors import evidence_for
from chengguan.geo.locate import locate
from chengguan.org.roles import Role

MAX_ID = 2**63 - 1
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_INTAKE_RATE = "30/min"

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid input; `field` names the culprit."),
    401: OpenApiResponse(s.ErrorSerializer, description="Not logged in."),
    403: OpenApiResponse(s.ErrorSerializer, description="Role or territory does not allow this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such case (or not yours to know of)."),
    409: OpenApiResponse(s.ErrorSerializer, description="Stale version or wrong state; details carry both."),
}


# --- helpers ------------------------------------------------------------------------------------------


def parse_id(value: Any, field: str = "case") -> int:
    """A primary key from the URL, or ``NotFound`` (never a 500 for junk or a huge number)."""
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound(field=field)
    return int(text)


def idempotency_client(actor: Any) -> str:
    """Whose idempotency keys these are: ``user:<id>``, or ``anonymous`` for every visitor."""
    return f"user:{actor.pk}" if actor is not None else "anonymous"


def _actor(request: Request) -> Any:
    return request.user if request.user and request.user.is_authenticated else None


def evidence_of_case(case_id: int) -> QuerySet[Evidence]:
    """The evidence of a case (the report's and every step's: intake and workflow store all of it
    under the case), oldest first."""
    return evidence_for(CASE_OWNER_TYPE, str(case_id))


def case_detail(request: Request, case_id: int) -> dict[str, Any]:
    """The detail representation of a case the requester may read (a fixed number of queries)."""
    case = Case.objects.select_related(
        "category",
        "assigned_unit",
        "suggested_unit",
        "transferred_to",
        "officer",
        "verifier",
        "merged_into",
    ).get(pk=case_id)
    return render_case(request, case)


def render_case(request: Request, case: Case) -> dict[str, Any]:
    events = list(CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("at", "pk"))
    context = {
        "request": request,
        "now": timezone.now(),
        "viewer": s.Viewer.of(request.user),
        "events": events,
        "evidence": list(evidence_of_case(case.pk)),
        "merged_reports": list(selectors.get_merged_reports(case)),
        "extensions": list(
            ExtensionRequest.objects.filter(case_id=case.pk).select_related("requested_by", "decided_by")
        ),
    }
    return s.CaseDetailSerializer(case, context=context).data


@contextmanager
def files_field() -> Iterator[None]:
    """Name upload errors after the API's ``files`` field (evidence checks say ``file``)."""
    try:
        yield
    except ChengguanError as exc:
        if exc.field == "file":
            exc.field = "files"
        raise


def wants_minimal(request: Request) -> bool:
    """``Prefer: return=minimal`` (RFC 7240): the client wants the new case's id, not its detail."""
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "return=minimal" for part in prefer.replace(";", ",").split(","))


def minimal_body(request: Any, case: Case) -> tuple[dict[str, Any], str]:
    """The stored report as id, number, state and URL, and the URL (for ``Location``)."""
    url = request.build_absolute_uri(f"{request.path.rstrip('/')}/{case.pk}/")
    return {"id": case.pk, "number": case.number, "state": case.state, "url": url}, url


def minimal_intake_response(request: Request, case: Case, status: int) -> Response:
    """The stored report as id, number, state and URL (no detail, no duplicate search)."""
    body, url = minimal_body(request, case)
    return Response(body, status=status, headers={"Location": url, "Preference-Applied": "return=minimal"})


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- permissions and throttles ---------------------------------------------------------------------------


class IntakeAnonThrottle(AnonRateThrottle):
    """Anonymous citizen reports, per client address; rate ``DEFAULT_THROTTLE_RATES["intake"]``."""

    scope = "intake"

    def get_rate(self) -> str | None:
        return self.THROTTLE_RATES.get(self.scope) or DEFAULT_INTAKE_RATE


class IsStaffMember(permissions.BasePermission):
    """Logged in with a staff role (anyone but a citizen)."""

    message = gettext_lazy("Only staff may use this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or bool(user.role_names - {Role.CITIZEN})


# --- cases ------------------------------------------------------------------------------------------------

ACTION_PARSERS = [JSONParser, MultiPartParser, FormParser]


def _action_schema(serializer: type, summary: str, *, multipart: bool = False) -> Callable[[Any], Any]:
    request: Any = serializer
    if multipart:
        request = {"application/json": serializer, "multipart/form-data": serializer}
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: s.CaseDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the cases you may see",
        parameters=[CaseListQuerySerializer],
        responses={200: s.CaseSummarySerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    ),
    retrieve=extend_schema(
        summary="One case: fields, deadline status, timeline, evidence, merged reports, extensions",
        responses={200: s.CaseDetailSerializer, 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Report a problem (anonymous citizens too, throttled)",
        request={"application/json": s.CaseCreateSerializer, "multipart/form-data": s.CaseCreateSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retried POST with the same key gets the same case (200) instead of a new one.",
            ),
            OpenApiParameter(
                "Prefer",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=(
                    "`return=minimal` (RFC 7240): answer with the new case's id, number, state and URL "
                    "only (no detail and no duplicate search; the case's detail has both)."
                ),
            ),
        ],
        responses={
            201: s.IntakeResultSerializer,
            200: OpenApiResponse(s.IntakeResultSerializer, description="Replay of an earlier submission."),
            400: ERRORS[400],
            409: OpenApiResponse(s.ErrorSerializer, description="The same key is being submitted right now."),
            422: OpenApiResponse(s.ErrorSerializer, description="The point is outside the city."),
            429: OpenApiResponse(s.ErrorSerializer, description="Too many anonymous reports."),
        },
    ),
)
class CaseViewSet(viewsets.GenericViewSet):
    """Cases of the closed loop."""

    queryset = Case.objects.none()
    parser_classes = ACTION_PARSERS
    serializer_class = s.CaseSummarySerializer

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            return [IntakeAnonThrottle()]
        return super().get_throttles()

    def list(self, request: Request) -> Response:
        query = CaseListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        visible = selectors.get_cases_visible_to(request.user).select_related("category", "assigned_unit")
        page = self.paginate_queryset(filter_cases(visible, query.validated_data, now=now))
        data = s.CaseSummarySerializer(page, many=True, context={"request": request, "now": now}).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, pk: str) -> Response:
        case = selectors.access_case(request.user, parse_id(pk))
        return Response(case_detail(request, case.pk))

    def create(self, request: Request) -> Response:
        data = validated(s.CaseCreateSerializer, request.data)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if len(key) > 100:
            raise InvalidInput(
                _("The idempotency key is longer than 100 characters."), field=IDEMPOTENCY_HEADER
            )
        actor = _actor(request)
        minimal = wants_minimal(request)
        with files_field():
            result = intake.submit_report(
                actor=actor,
                client=idempotency_client(actor) if key else "",
                idempotency_key=key,
                with_duplicates=not minimal,
                **data,
            )
        status = 201 if result.created else 200
        if minimal:
            return minimal_intake_response(request, result.case, status)
        duplicates: list[Case] = []
        if actor is not None and result.duplicates:
            ids = [d.pk for d in result.duplicates]
            visible = selectors.get_cases_visible_to(actor).filter(pk__in=ids)
            found = {c.pk: c for c in visible.select_related("category", "assigned_unit")}
            duplicates = [found[i] for i in ids if i in found]
        body = {
            "case": case_detail(request, result.case.pk),
            "duplicates": s.CaseSummarySerializer(
                duplicates,
                many=True,
                context={"request": request, "now": timezone.now()},
            ).data,
        }
        return Response(body, status=status)

    def _act(self, request: Request, pk: str, serializer: type, call: Callable[..., Any]) -> Response:
        case_id = parse_id(pk)
        data = validated(serializer, request.data)
        with files_field():
            call(case_id, actor=request.user, **data)
        return Response(case_detail(request, case_id))

    @_action_schema(s.RegisterSerializer, "Register (立案) a reported case")
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.RegisterSerializer, workflow.register)

    @_action_schema(s.RejectSerializer, "Refuse to register a report")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.RejectSerializer, workflow.reject)

    @_action_schema(s.MergeSerializer, "Merge a duplicate report into another case")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.MergeSerializer, workflow.merge)

    @_action_schema(s.DispatchSerializer, "Dispatch a registered case to a unit")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_case(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.DispatchSerializer, workflow.dispatch)

    @_action_schema(s.AcceptSerializer, "Accept a dispatched case")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.AcceptSerializer, workflow.accept)

    @_action_schema(s.ReturnSerializer, "Return a dispatched case to the dispatcher")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_case(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ReturnSerializer, workflow.return_case)

    @_action_schema(s.ReportBackSerializer, "Report back that the case is handled", multipart=True)
    @action(detail=True, methods=["post"], url_path="report-back", url_name="report-back")
    def report_back(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ReportBackSerializer, workflow.report_back)

    @_action_schema(s.VerifySerializer, "Verify on site: close the case, or send it back", multipart=True)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.VerifySerializer, workflow.verify)

    @_action_schema(s.ExtensionSerializer, "Ask for more time to handle the case")
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ExtensionSerializer, workflow.request_extension)

    @_action_schema(s.SuspendSerializer, "Suspend (挂账) a case: its clock stops")
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.SuspendSerializer, workflow.suspend)

    @_action_schema(s.ResumeSerializer, "Resume a suspended case")
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.ResumeSerializer, workflow.resume)

    @_action_schema(s.TransferSerializer, "Transfer a case to another agency")
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.TransferSerializer, workflow.transfer)

    @_action_schema(s.CancelSerializer, "Cancel a case")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.CancelSerializer, workflow.cancel)

    @_action_schema(s.UrgeSerializer, "Urge (督办) the unit handling a case")
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, s.UrgeSerializer, workflow.urge)

    @extend_schema(
        summary="Download one evidence file of a case",
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[^/.]+)",
        url_name="evidence",
    )
    def evidence(self, request: Request, pk: str, evidence_id: str) -> FileResponse:
        case = selectors.access_case(request.user, parse_id(pk))
        item = evidence_of_case(case.pk).filter(pk=parse_id(evidence_id, "evidence")).first()
        if item is None:
            raise NotFound(field="evidence")
        return FileResponse(
            item.file.open("rb"), content_type=item.mime_type, filename=item.original_name or None
        )


class ExtensionDecideView(APIView):
    """A dispatcher approves or refuses a request for more time."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Approve or refuse an extension request",
        request=s.DecideExtensionSerializer,
        responses={200: s.CaseDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: str) -> Response:
        request_id = parse_id(pk, "extension")
        data = validated(s.DecideExtensionSerializer, request.data)
        case = workflow.decide_extension(request_id, actor=request.user, **data)
        return Response(case_detail(request, case.pk))


# --- read APIs of other apps ----------------------------------------------------------------------------


class LocateView(APIView):
    """``geo.locate`` for staff: which grid, divisions, beat, squadron and officer a point belongs to."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        summary="Who is responsible for a point",
        parameters=[s.LocateQuerySerializer],
        responses={
            200: s.LocationSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: ERRORS[403],
            422: OpenApiResponse(s.ErrorSerializer, description="The point is outside the city."),
        },
    )
    def get(self, request: Request) -> Response:
        query = validated(s.LocateQuerySerializer, request.query_params)
        return Response(locate(query["lon"], query["lat"], crs=query["crs"]).to_dict())


class CategoryQuerySerializer(s.StrictSerializer):
    kind = serializers.ChoiceField(choices=CategoryKind.choices, required=False)


class CategoryListView(APIView):
    """The active categories with their time limits (the whole catalog, not paginated)."""

    @extend_schema(
        summary="Active categories and their time limits",
        parameters=[CategoryQuerySerializer],
        responses={200: s.CategoryReadSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        query = validated(CategoryQuerySerializer, request.query_params)
        categories = get_all_active_categories(query.get("kind")).prefetch_related("time_limits")
        return Response(s.CategoryReadSerializer(categories, many=True).data)
