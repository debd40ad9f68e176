"""Admin pages of cases: read-mostly. States change only through ``workflow``; the admin shows them.

Only the supervision policy is edited here. Cases, events, supervision rows, warnings, extension
requests and notifications are shown read-only (no add, change or delete).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases.access import get_cases_visible_to
from chengguan.cases.models import (
    Case,
    CaseEvent,
    ExtensionRequest,
    Notification,
    Supervision,
    SupervisionPolicy,
    SupervisionWarning,
)
from chengguan.cases.selectors import calendar_warning
from chengguan.org.admin_base import RoleAdminMixin


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
        return ["calendar_note", *(field.name for field in Case._meta.fields)]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # the same territory rule as everywhere else: staff see the cases of their territory
        visible = get_cases_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    @admin.display(description=gettext_lazy("holiday table"))
    def calendar_note(self, case: Case) -> str:
        years = calendar_warning(case)
        if not years:
            return "—"
        return _("Deadline counted Monday to Friday for %(years)s: no holiday table for that year.") % {
            "years": ", ".join(str(y) for y in years)
        }

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        case = self.get_object(request, object_id)
        if case is not None and calendar_warning(case):
            messages.warning(request, self.calendar_note(case))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "escalate_after_hours", "warning_overdue_count", "warning_period_days")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # The one policy row comes with the migrations and cannot be deleted, so it is only ever
        # edited (asking the database here would cost a query on every admin page).
        return False

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
    list_display = ("case", "kind", "unit", "user", "created_at", "sent_at", "attempts", "failed_at")
    list_filter = ("kind",)
    list_select_related = ("case", "unit", "user")
