"""Admin screens of the ledger: provisions (article text editable), violation types with their
discretion benchmarks, parties, and violations read-only (their steps change only through the
workflow, which records the proposal, the choice and the audit entry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest

from chengguan.core.errors import InvalidInput
from chengguan.enforcement.identifiers import (
    normalise_credit_code,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
)
from chengguan.enforcement.models import (
    DiscretionBenchmark,
    LegalProvision,
    Party,
    ReinspectionTask,
    Violation,
    ViolationEvent,
    ViolationType,
)
from chengguan.org.admin_base import RoleAdminMixin


@admin.register(LegalProvision)
class LegalProvisionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "code", "is_active"]
    list_filter = ["law_name", "is_active"]
    search_fields = ["code", "law_name", "article", "text"]


class BenchmarkInline(admin.TabularInline):
    model = DiscretionBenchmark
    extra = 0
    fields = [
        "severity",
        "label",
        "offence",
        "scale",
        "harm",
        "corrected",
        "unit",
        "fine_min",
        "fine_max",
        "proposed",
        "basis_text",
        "is_active",
    ]


@admin.register(ViolationType)
class ViolationTypeAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "minor_first_offence",
        "lookback_days",
        "rectification_days",
        "is_active",
    ]
    list_filter = ["minor_first_offence", "is_active"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["provisions"]
    autocomplete_fields: list[str] = []
    inlines = [BenchmarkInline]


@admin.register(DiscretionBenchmark)
class DiscretionBenchmarkAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = [
        "violation_type",
        "severity",
        "label",
        "offence",
        "scale",
        "harm",
        "corrected",
        "fine_min",
        "fine_max",
        "proposed",
        "unit",
    ]
    list_filter = ["violation_type", "unit", "is_active"]
    search_fields = ["label", "violation_type__name"]


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["kind", "name", "id_number", "credit_code", "plate", "phone", "usual_place", "lon", "lat"]

    def _normalised(self, field: str, normalise: Any) -> str:
        try:
            return normalise(self.cleaned_data.get(field) or "", field=field)
        except InvalidInput as exc:
            raise ValidationError(str(exc.message)) from None

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data.get("name") or "")

    def clean_id_number(self) -> str:
        return self._normalised("id_number", normalise_id_number)

    def clean_credit_code(self) -> str:
        return self._normalised("credit_code", normalise_credit_code)

    def clean_plate(self) -> str:
        return self._normalised("plate", normalise_plate)

    def clean_phone(self) -> str:
        return self._normalised("phone", normalise_phone)


class ViolationInline(admin.TabularInline):
    model = Violation
    extra = 0
    fields = ["occurred_at", "violation_type", "address", "proposed_step", "chosen_step", "status"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Party)
class PartyAdmin(RoleAdminMixin, admin.ModelAdmin):
    form = PartyForm
    list_display = ["name", "kind", "plate", "usual_place", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "id_number", "credit_code", "plate", "phone"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [ViolationInline]

    def save_model(self, request: HttpRequest, obj: Party, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReinspectionInline(admin.TabularInline):
    model = ReinspectionTask
    extra = 0
    fields = ["due_date", "assigned_to", "result", "inspected_at", "inspected_by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ViolationEvent
    extra = 0
    fields = ["at", "action", "actor", "payload"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Violation)
class ViolationAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read-only apart from the description: steps change through the workflow (API), never here."""

    list_display = [
        "occurred_at",
        "violation_type",
        "party",
        "grid_code",
        "proposed_step",
        "chosen_step",
        "status",
    ]
    list_filter = ["status", "proposed_step", "chosen_step", "violation_type"]
    search_fields = ["party__name", "address", "grid_code"]
    date_hierarchy = "occurred_at"
    list_select_related = ["violation_type", "party"]
    inlines = [ReinspectionInline, EventInline]
    readonly_fields = [
        f.name
        for f in Violation._meta.get_fields()
        if f.concrete and f.name not in ("id", "description", "address")
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReinspectionTask)
class ReinspectionTaskAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["violation", "due_date", "assigned_to", "result", "inspected_at"]
    list_filter = ["result"]
    readonly_fields = [
        "violation",
        "due_date",
        "assigned_to",
        "result",
        "inspected_at",
        "inspected_by",
        "note",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
