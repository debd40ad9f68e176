"""The audit log in the admin: read-only for everyone, superusers included.

Administrators and leaders may look (``RoleAdminMixin``); nobody may add, change or delete entries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chengguan.audit.models import AuditEntry
from chengguan.org.admin_base import RoleAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "at", "actor_label", "action", "target_type", "target_id")
    list_display_links = ("seq",)
    list_filter = (
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    )
    search_fields = ("=target_id",)
    search_help_text = _("Exact target id, e.g. a case number.")
    ordering = ("-seq",)
    show_full_result_count = False
    fields = (
        "seq",
        "at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "payload",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
