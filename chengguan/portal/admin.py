"""Admin pages of the citizen side.

The policy, publications, vendors and photo clearances are managed here by administrators; petitions
are read here and acknowledged with an action (answers need a text: the office page
``/office/petitions/<number>/``). Ratings and callbacks are read-only records.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.core.errors import ChengguanError
from chengguan.org.admin_base import RoleAdminMixin
from chengguan.portal import services
from chengguan.portal import workflow as petitions
from chengguan.portal.models import (
    Callback,
    Petition,
    PhotoClearance,
    PortalPolicy,
    Publication,
    Rating,
    VendorRegistration,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalPolicy)
class PortalPolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "reopen_days", "rating_days", "petition_answer_days", "complaint_answer_days")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not PortalPolicy.objects.exists() and super().has_add_permission(request, *args)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Petition)
class PetitionAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "state",
        "subject",
        "unit",
        "received_at",
        "acknowledge_due",
        "answer_due",
    )
    list_filter = ("kind", "state")
    search_fields = ("^number", "subject")
    list_select_related = ("unit",)
    actions = ["acknowledge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return petitions.get_petitions_handled_by(request.user)

    @admin.action(description=gettext_lazy("Acknowledge the selected petitions"))
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        done = 0
        for petition in queryset:
            try:
                petitions.acknowledge_petition(petition.number, actor=request.user)
            except ChengguanError as exc:
                self.message_user(request, f"{petition.number}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)s petitions acknowledged.") % {"n": done}, messages.SUCCESS)


@admin.register(Publication)
class PublicationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "published_at", "withdrawn_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    readonly_fields = ("published_at", "published_by", "withdrawn_at", "withdrawn_by", "withdrawal_reason")
    actions = ["withdraw_selected"]

    def save_model(self, request: HttpRequest, obj: Publication, form: Any, change: bool) -> None:
        if change:
            raise PermissionError("publications are withdrawn and published again, never edited")
        created = services.publish(
            kind=obj.kind,
            title=obj.title,
            body=obj.body,
            source_type=obj.source_type,
            source_id=obj.source_id,
            actor=request.user,
        )
        obj.pk = created.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Withdraw the selected publications"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        for item in queryset.filter(withdrawn_at__isnull=True):
            services.withdraw(item.pk, reason=_("Withdrawn by the bureau."), actor=request.user)


@admin.register(VendorRegistration)
class VendorRegistrationAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("zone", "stall", "vendor_name", "goods", "valid_from", "valid_until", "is_active")
    list_filter = ("is_active", "zone")
    search_fields = ("vendor_name", "stall", "goods")
    readonly_fields = ("registered_by", "registered_at")

    def save_model(self, request: HttpRequest, obj: VendorRegistration, form: Any, change: bool) -> None:
        if not change:
            obj.registered_by = request.user
            from django.utils import timezone

            obj.registered_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(PhotoClearance)
class PhotoClearanceAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("evidence", "cleared_by", "cleared_at")
    raw_id_fields = ("evidence",)
    readonly_fields = ("cleared_by", "cleared_at")

    def save_model(self, request: HttpRequest, obj: PhotoClearance, form: Any, change: bool) -> None:
        clearance = services.clear_photo(obj.evidence_id, actor=request.user)
        obj.pk = clearance.pk


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("case", "score", "reopened", "rated_at")
    list_filter = ("score", "reopened")


@admin.register(Callback)
class CallbackAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("case", "operator", "at", "reached", "satisfaction")
    list_filter = ("reached", "satisfaction")
