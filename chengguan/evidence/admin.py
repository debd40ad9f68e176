"""Evidence in the admin: look only. Nobody adds, changes or deletes evidence here (integrity)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.org.admin_base import RoleAdminMixin

# photos a browser can show inline as a thumbnail
_INLINE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


@admin.register(Evidence)
class EvidenceAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "kind",
        "owner",
        "size",
        "short_hash",
        "captured_at",
        "time_mismatch",
        "place_mismatch",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("kind", "time_mismatch", "place_mismatch", "owner_type", "uploaded_at")
    list_select_related = ("uploaded_by",)
    search_fields = ("=sha256", "=owner_id", "original_name")
    date_hierarchy = "uploaded_at"
    list_per_page = 100
    fields = (
        "preview",
        "file",
        "kind",
        "mime_type",
        "size_bytes",
        "sha256",
        "original_name",
        "owner_type",
        "owner_id",
        "uploaded_by",
        "uploaded_at",
        "captured_at",
        "capture_lon",
        "capture_lat",
        "time_mismatch",
        "place_mismatch",
        "mismatch_note",
    )
    readonly_fields = fields

    @admin.display(description=_("owner"), ordering="owner_type")
    def owner(self, obj: Evidence) -> str:
        return f"{obj.owner_type}#{obj.owner_id}"

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj: Evidence) -> str:
        return filesizeformat(obj.size_bytes)

    @admin.display(description=_("SHA-256"))
    def short_hash(self, obj: Evidence) -> str:
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12])

    @admin.display(description=_("file"))
    def preview(self, obj: Evidence) -> str:
        if not obj.file:
            return "—"
        url = obj.file.url
        if obj.kind == EvidenceKind.PHOTO and obj.mime_type in _INLINE_IMAGE_TYPES:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" loading="lazy" '
                'style="max-height:48px;max-width:96px"></a>',
                url,
                url,
                obj.original_name,
            )
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("open"))

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
