"""Admin of Open311: API keys (issued, limited and switched off here) and the requests they filed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chengguan.open311.models import ApiKey, ServiceRequest
from chengguan.org.admin_base import RoleAdminMixin


@admin.register(ApiKey)
class ApiKeyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner_contact", "user", "active", "rate_limit", "created_at", "request_count")
    list_filter = ("active",)
    search_fields = ("name", "owner_contact")
    readonly_fields = ("key", "created_at")
    fields = ("name", "owner_contact", "user", "active", "rate_limit", "key", "created_at")
    actions = ("deactivate",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return super().get_queryset(request).annotate(n_requests=Count("requests"))

    @admin.display(description=_("requests filed"), ordering="n_requests")
    def request_count(self, obj: Any) -> int:
        return int(getattr(obj, "n_requests", 0))

    @admin.action(description=_("Switch off the selected keys"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = queryset.update(active=False)
        self.message_user(
            request, ngettext("%(n)s key switched off.", "%(n)s keys switched off.", count) % {"n": count}
        )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("case", "api_key", "token", "created_at")
    list_filter = ("api_key",)
    search_fields = ("token", "case__number")
    list_select_related = ("case", "api_key")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
