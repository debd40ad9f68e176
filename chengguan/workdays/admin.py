"""Admin for the holiday table, the covered years and the working hours.

The holiday table and covered-years lists warn about every year in use (this year, the next two,
years of open deadlines) that has no holiday table: deadlines there count Monday to Friday only.
Whole years are imported with ``chengguan import_holidays FILE --covered-year YEAR``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.org.admin_base import RoleAdminMixin
from chengguan.workdays.coverage import get_years_without_holiday_table
from chengguan.workdays.models import CoveredYear, DayOverride, WorkSchedule


class CoverageWarningMixin:
    """Adds a warning to the changelist naming the years without a holiday table."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            years = get_years_without_holiday_table()
            if years:
                messages.warning(
                    request,
                    _(
                        "No holiday table for %(years)s: deadlines in these years count Monday to Friday "
                        "only. Enter the State Council's holidays and adjusted working days "
                        "(chengguan import_holidays FILE --covered-year YEAR), then mark the year covered."
                    )
                    % {"years": ", ".join(map(str, years))},
                )
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


@admin.register(DayOverride)
class DayOverrideAdmin(CoverageWarningMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "updated_at")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name", "note")
    fields = ("date", "is_working_day", "name", "note")
    list_per_page = 100

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj: DayOverride) -> str:
        names = [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]
        return names[obj.date.weekday()]


@admin.register(CoveredYear)
class CoveredYearAdmin(CoverageWarningMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "updated_at")
    search_fields = ("source", "note")
    fields = ("year", "source", "note")


@admin.register(WorkSchedule)
class WorkScheduleAdmin(RoleAdminMixin, admin.ModelAdmin):
    """The single row of working hours: it can be changed, not added twice or deleted."""

    list_display = ("__str__", "due_soon_fraction", "due_soon_hours", "updated_at")
    fieldsets = (
        (
            gettext_lazy("Working periods"),
            {"fields": (("period1_start", "period1_end"), ("period2_start", "period2_end"))},
        ),
        (gettext_lazy("Due soon"), {"fields": ("due_soon_fraction", "due_soon_hours")}),
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # The one schedule row comes with the migrations and cannot be deleted, so it is only
        # ever edited (asking the database here would cost a query on every admin page).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)
