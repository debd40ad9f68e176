"""Admin pages of cases: read-mostly. States change only through ``workflow``; the admin shows them.

Only the supervision policy is edited here. Cases, events, supervision rows, warnings, extension
requests and notifications are shown read-only (no add, change or delete).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chengguan.cases.models import (
    Case,
    CaseEvent,
    ExtensionRequest,
    Notification,
    Supervision,
    SupervisionPolicy,
    SupervisionWarning,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("at", "action", "actor", "from_state", "to_state", "note", "public", "payload")
    readonly_fields = fields
    ordering = ("at", "pk")


class SupervisionInline(ReadOnlyMixin, admin.TabularInline):
    model = Supervision
    extra = 0
    fields = ("at", "kind", "step", "level", "unit", "by", "note")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "state",
        "category",
        "urgency",
        "source",
        "grid_code",
        "assigned_unit",
        "current_due",
        "reported_at",
    )
    list_filter = ("state", "source", "urgency", "category__kind")
    search_fields = ("number", "address", "description", "grid_code")
    date_hierarchy = "reported_at"
    list_select_related = ("category", "assigned_unit")
    inlines = [CaseEventInline, SupervisionInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Case._meta.fields]


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "escalate_after_hours", "warning_overdue_count", "warning_period_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SupervisionPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupervisionWarning)
class SupervisionWarningAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("unit", "period_start", "period_end", "overdue_count", "at")
    list_filter = ("unit",)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "working_hours", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("status",)
    list_select_related = ("case", "requested_by", "decided_by")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "unit", "user", "created_at", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("case", "unit", "user")
