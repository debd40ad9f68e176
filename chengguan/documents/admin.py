"""Admin screens: the bureau, the number series, the templates (editable; a template with a syntax
error is refused), and the counters and issued documents (read-only: documents are never edited,
numbers move only when a document is issued)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import InvalidInput
from chengguan.documents.loading import TEMPLATE_FIELDS
from chengguan.documents.models import Bureau, DocumentSeries, DocumentTemplate, IssuedDocument, SeriesCounter
from chengguan.documents.rendering import check_template_text
from chengguan.org.admin_base import RoleAdminMixin


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Bureau)
class BureauAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "address", "phone"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not Bureau.objects.exists() and super().has_add_permission(request, *args)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["code", "prefix", "name"]
    search_fields = ["code", "prefix", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(SeriesCounter)
class SeriesCounterAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ["series", "year", "last"]
    list_filter = ["year"]


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["title", "series", *TEMPLATE_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        errors = {}
        for name in TEMPLATE_FIELDS:
            try:
                check_template_text(data.get(name) or "", name=name)
            except InvalidInput as exc:
                errors[name] = str(exc.message)
        if errors:
            raise ValidationError(errors)
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(RoleAdminMixin, admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["title", "kind", "series", "version", "updated_at"]
    readonly_fields = ["kind", "version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "series", "version", "updated_at"]}),
        (_("Opening"), {"fields": ["opening"]}),
        (
            _("Reasoning"),
            {
                "fields": [
                    "facts_heading",
                    "facts",
                    "law_heading",
                    "law",
                    "reason_heading",
                    "reason",
                    "feeling_heading",
                    "feeling",
                ]
            },
        ),
        (_("Body, table and closing"), {"fields": ["body", "table_title", "table", "rights", "closing"]}),
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # one template per kind, made by load_documents

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "party_name", "target_type", "target_id", "created_by", "created_at"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "party_name", "target_id"]
    readonly_fields = ["files"]
    exclude = ["rendered_html", "sections"]

    @admin.display(description=_("print"))
    def files(self, obj: IssuedDocument) -> str:
        url = reverse("documents:document-detail", args=[obj.pk])
        return format_html('<a href="{}?format=html">HTML</a> · <a href="{}?format=docx">DOCX</a>', url, url)
