"""The documents REST API (``/api/v1/documents/``): issue, list by target, fetch as JSON, HTML or DOCX."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.errors import InvalidInput, NotFound
from chengguan.documents import access, builders, services
from chengguan.documents.api import serializers as s
from chengguan.documents.models import IssuedDocument

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class DocumentListView(generics.GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = s.IssuedDocumentSerializer

    @extend_schema(
        summary="Documents you may read, newest first (filter by target_type and target_id, kind)",
        parameters=[s.ListQuerySerializer],
        responses={200: s.IssuedDocumentSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = _valid(s.ListQuerySerializer, request.query_params)
        rows = access.get_documents_visible_to(request.user).select_related("created_by", "superseded_by")
        if "target_type" in query:
            rows = rows.filter(target_type=query["target_type"])
        if "target_id" in query:
            rows = rows.filter(target_id=query["target_id"])
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        page = self.paginate_queryset(rows.order_by("-created_at", "-pk"))
        return self.get_paginated_response(s.IssuedDocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Issue a document: its context is built from the target, with your additions laid over it",
        request=s.IssueSerializer,
        responses={201: s.IssuedDocumentSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.IssueSerializer, request.data)
        kind = data["kind"]
        target = builders.resolve_target(kind, data["target_type"], data["target_id"])
        # the role and territory check comes before any of the target's data is read
        access.check_can_issue(request.user, services.place_of(target))
        supersedes = None
        if "supersedes" in data:
            supersedes = IssuedDocument.objects.filter(pk=data["supersedes"]).first()
            if supersedes is None:
                raise NotFound(_("No such document."), field="supersedes")
        context = builders.build(kind, target, actor=request.user, extra=data["context"])
        doc = services.issue(
            kind,
            target=target,
            context=context,
            actor=request.user,
            supersedes=supersedes,
            correction_reason=data["correction_reason"],
        )
        return Response(s.IssuedDocumentSerializer(doc).data, status=201)


class DocumentDetailView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=html|docx`` picks the file this view returns, not a DRF renderer
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="One document: JSON, or the printable page (?format=html) or a Word file (?format=docx)",
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "html", "docx"])],
        responses={
            (200, "application/json"): s.IssuedDocumentSerializer,
            (200, "text/html"): OpenApiTypes.STR,
            (200, DOCX_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, pk: str) -> Any:
        doc = access.access_document(request.user, pk)
        fmt = request.query_params.get("format", "json")
        if fmt == "html":
            return HttpResponse(services.render_html(doc), content_type="text/html; charset=utf-8")
        if fmt == "docx":
            response = HttpResponse(services.render_docx(doc), content_type=DOCX_TYPE)
            name = services.docx_filename(doc)
            ascii_name = f"document-{doc.pk}.docx"
            response["Content-Disposition"] = (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
            )
            return response
        if fmt != "json":
            raise InvalidInput(_("Ask for format json, html or docx."), field="format")
        return Response(s.IssuedDocumentSerializer(doc).data)
