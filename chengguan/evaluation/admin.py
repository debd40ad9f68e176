"""Admin of the evaluation: indicator formulas and weights (edited by administrators) and results."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chengguan.evaluation.models import Assessment, IndicatorFormula
from chengguan.org.admin_base import RoleAdminMixin


@admin.register(IndicatorFormula)
class IndicatorFormulaAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "subject_kind",
        "position",
        "code",
        "name_zh",
        "name_en",
        "numerator",
        "denominator",
        "exclude_suspended",
        "lower_is_better",
        "target",
        "points_per_pct",
        "weight",
        "is_active",
    )
    list_display_links = ("code",)
    list_editable = ("target", "weight", "is_active")
    list_filter = ("subject_kind", "is_active")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("subject_kind", "position", "code")


@admin.register(Assessment)
class AssessmentAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Stored results are written by the ``evaluate`` command only; the admin shows them."""

    list_display = (
        "period_start",
        "period_end",
        "subject_kind",
        "rank",
        "subject_code",
        "subject_name",
        "score",
    )
    list_filter = ("subject_kind", "period_start")
    search_fields = ("subject_code", "subject_name")
    ordering = ("-period_start", "subject_kind", "rank")
    readonly_fields = (
        "period_start",
        "period_end",
        "subject_kind",
        "subject_code",
        "subject_name",
        "counters",
        "indicators",
        "score",
        "rank",
        "computed_at",
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
