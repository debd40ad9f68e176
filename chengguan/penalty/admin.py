"""Admin pages of the penalty procedure.

Edited here: the penalty policy (thresholds: summary procedure, hearing, legal review, surcharge),
the legal time limits (day counts and their kind) and the officers' enforcement credentials.
Proceedings and every record of the procedure are shown read-only: they change only through
``workflow`` (a fine is never edited; a correction supersedes it there).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chengguan.org.admin_base import RoleAdminMixin
from chengguan.penalty import models as m
from chengguan.penalty.selectors import get_proceedings_visible_to


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.PenaltyPolicy)
class PenaltyPolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "summary_person_max",
        "summary_organisation_max",
        "hearing_person_fine",
        "hearing_organisation_fine",
        "review_fine",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not m.PenaltyPolicy.objects.exists() and super().has_add_permission(request, *args)


@admin.register(m.LegalTimeLimit)
class LegalTimeLimitAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "amount", "unit", "working_days", "updated_at")


@admin.register(m.EnforcementCredential)
class EnforcementCredentialAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("number", "user", "valid_from", "valid_until", "revoked_at")
    search_fields = ("number", "user__username", "user__name")
    list_filter = ("valid_until",)
    autocomplete_fields = ()


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = m.ProceedingEvent
    extra = 0
    fields = ("at", "action", "actor", "from_state", "to_state", "note", "payload")
    readonly_fields = fields


class DecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = m.Decision
    extra = 0
    fk_name = "proceeding"
    fields = (
        "number",
        "outcome",
        "penalty_kind",
        "fine",
        "decided_by",
        "decided_at",
        "supersedes",
        "approved_by",
    )
    readonly_fields = fields


@admin.register(m.Proceeding)
class ProceedingAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "procedure",
        "state",
        "party",
        "grid_code",
        "opened_on",
        "decided_on",
        "payment_due",
    )
    list_filter = ("procedure", "state")
    search_fields = ("number", "party__name", "grid_code")
    inlines = [DecisionInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Proceeding]:
        visible = get_proceedings_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


def _read_only(model: type, *columns: str) -> None:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin),
            {"list_display": columns},
        ),
    )


_read_only(m.InvestigationRecord, "proceeding", "kind", "started_at", "recorded_by")
_read_only(m.PenaltyNotice, "proceeding", "penalty_kind", "fine", "hearing_right", "issued_at")
_read_only(m.PartyStatement, "proceeding", "kind", "received_on")
_read_only(m.Hearing, "proceeding", "requested_on", "scheduled_for", "host", "held_at")
_read_only(m.LegalReview, "proceeding", "reviewer", "result", "reviewed_at")
_read_only(m.CollectiveDiscussion, "proceeding", "held_at")
_read_only(m.Decision, "number", "proceeding", "outcome", "fine", "decided_at", "supersedes")
_read_only(m.FineCorrection, "proceeding", "new_fine", "status", "proposed_by", "decided_by")
_read_only(m.Service, "proceeding", "document", "method", "served_on")
_read_only(m.Payment, "proceeding", "amount", "paid_on", "method", "receipt_number")
_read_only(m.DemandNotice, "proceeding", "fine_due", "surcharge_due", "issued_at")
_read_only(m.CourtApplication, "proceeding", "court", "applied_on")
_read_only(m.DeadlineExtension, "proceeding", "days", "collective", "approved_by")
_read_only(m.OverdueMark, "proceeding", "step", "due", "marked_at")
_read_only(m.ProceedingEvent, "proceeding", "action", "at", "actor")
_read_only(m.NumberSeries, "kind", "year", "last")
