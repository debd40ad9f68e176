"""Input and output shapes of ``/api/v1/documents/``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from chengguan.documents.models import DocumentKind, IssuedDocument


class IssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    target_type = serializers.CharField(max_length=64)
    target_id = serializers.CharField(max_length=20)
    context = serializers.DictField(
        required=False,
        default=dict,
        help_text='Additions laid over the built context, e.g. {"reasoning": {"feeling": "…"}}',
    )
    supersedes = serializers.IntegerField(required=False, min_value=1)
    correction_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ListQuerySerializer(serializers.Serializer):
    target_type = serializers.CharField(max_length=64, required=False)
    target_id = serializers.CharField(max_length=20, required=False)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)


class IssuedDocumentSerializer(serializers.ModelSerializer):
    reasoning = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "bureau_name",
            "year",
            "seq",
            "target_type",
            "target_id",
            "party_name",
            "reasoning",
            "template_version",
            "supersedes",
            "superseded_by",
            "correction_reason",
            "created_by",
            "created_at",
            "html_url",
            "docx_url",
        ]

    def get_reasoning(self, obj: IssuedDocument) -> dict[str, str]:
        return obj.reasoning()

    def get_superseded_by(self, obj: IssuedDocument) -> int | None:
        later = getattr(obj, "superseded_by", None)
        return later.pk if later is not None else None

    def get_created_by(self, obj: IssuedDocument) -> dict[str, Any]:
        return {"id": obj.created_by_id, "name": obj.created_by.name}

    def get_html_url(self, obj: IssuedDocument) -> str:
        return reverse("documents:document-detail", args=[obj.pk]) + "?format=html"

    def get_docx_url(self, obj: IssuedDocument) -> str:
        return reverse("documents:document-detail", args=[obj.pk]) + "?format=docx"
