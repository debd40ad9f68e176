"""Admin pages of seizures and obstruction incidents.

Edited here: the seizure policy (term, longest extension, warning days). Seizures and incidents are
shown read-only and only inside the viewer's territory (the same ``access`` rules as the API): they
change only through ``workflow`` and ``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chengguan.org.admin_base import RoleAdminMixin
from chengguan.seizures import models as m
from chengguan.seizures.access import get_incidents_visible_to, get_seizures_visible_to


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.SeizurePolicy)
class SeizurePolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "term_days", "max_extension_days", "warn_days_before", "updated_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not m.SeizurePolicy.objects.exists() and super().has_add_permission(request, *args)


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = m.SeizureItem
    extra = 0
    fields = ("name", "quantity", "unit", "condition")
    readonly_fields = fields


class CopyInline(ReadOnlyMixin, admin.TabularInline):
    model = m.ListCopy
    extra = 0
    fields = ("holder", "signed_by", "refused", "witness", "signed_at", "recorded_by")
    readonly_fields = fields


class EvaluationInline(ReadOnlyMixin, admin.TabularInline):
    model = m.EvaluationPeriod
    extra = 0
    fields = ("kind", "institution", "started_on", "ended_on", "note")
    readonly_fields = fields


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = m.SeizureEvent
    extra = 0
    fields = ("at", "action", "actor", "from_state", "to_state", "payload")
    readonly_fields = fields


@admin.register(m.Seizure)
class SeizureAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "state",
        "party",
        "grid_code",
        "storage_place",
        "start_date",
        "extension_days",
    )
    list_filter = ("kind", "state")
    search_fields = ("number", "party__name", "grid_code", "storage_place")
    inlines = [ItemInline, CopyInline, EvaluationInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Seizure]:
        visible = get_seizures_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


class ReferralInline(ReadOnlyMixin, admin.StackedInline):
    model = m.PoliceReferral
    extra = 0
    fields = ("police_station", "referred_at", "reference_number", "referred_by", "note")
    readonly_fields = fields


@admin.register(m.ObstructionIncident)
class ObstructionIncidentAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "address", "grid_code", "recorded_by")
    search_fields = ("address", "grid_code", "description")
    inlines = [ReferralInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.ObstructionIncident]:
        visible = get_incidents_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)
