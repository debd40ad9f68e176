"""Admin pages of frontage pledges: the policy (frontage distance) is edited; shops and pledges are
listed inside the viewer's territory and read-only (they are written through ``services``, which
locate the shop and audit the change)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chengguan.org.access import filter_to_territory
from chengguan.org.admin_base import RoleAdminMixin
from chengguan.pledges import models as m


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.PledgePolicy)
class PledgePolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "frontage_distance_m", "updated_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not m.PledgePolicy.objects.exists() and super().has_add_permission(request, *args)


class PledgeInline(ReadOnlyMixin, admin.TabularInline):
    model = m.Pledge
    extra = 0
    fields = ("signed_on", "valid_until", "signatory", "area_description")
    readonly_fields = fields


@admin.register(m.Shop)
class ShopAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "address", "party", "grid_code", "street_code")
    search_fields = ("name", "address", "party__name", "grid_code")
    inlines = [PledgeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Shop]:
        return filter_to_territory(super().get_queryset(request), request.user, "grid_code")


@admin.register(m.Pledge)
class PledgeAdmin(ReadOnlyMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ("shop", "signed_on", "valid_until", "signatory")
    list_filter = ("valid_until",)
    search_fields = ("shop__name", "signatory")

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Pledge]:
        return filter_to_territory(super().get_queryset(request), request.user, "shop__grid_code")
