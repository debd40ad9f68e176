"""Admin for divisions, units and users (zh-hans by default, English too)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.org.admin_base import (
    DistrictFilter,
    MapAdminMixin,
    RoleAdminMixin,
    StreetFilter,
    is_changelist,
)
from chengguan.org.models import Division, DivisionLevel, Unit, User
from chengguan.org.roles import Role


@admin.register(Division)
class DivisionAdmin(MapAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level", DistrictFilter, StreetFilter)
    list_select_related = ("parent",)
    search_fields = ("^code", "name")
    autocomplete_fields = ("parent",)
    geometry_fields = ("boundary",)
    territory_code_field = "code"
    changelist_defer = ("parent__boundary",)
    fields = ("code", "name", "level", "parent", "boundary")
    list_per_page = 100

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        """Sibling divisions (same level, same parent) around the boundary being edited."""
        if obj is None or obj.level == DivisionLevel.CITY or obj.parent_id is None:
            return "", ""
        parent_code = obj.parent.code
        prefix = parent_code[:4] if obj.level == DivisionLevel.DISTRICT else parent_code
        url = reverse("geo:layer", args=["divisions"]) + f"?level={obj.level}&prefix={prefix}"
        return url, obj.code


@admin.register(Unit)
class UnitAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "specialty", "phone")
    list_filter = ("kind", "specialty")
    list_select_related = ("parent",)
    search_fields = ("^code", "name")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("territory",)
    fields = ("code", "name", "kind", "parent", "specialty", "phone", "territory")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "territory":
            # no geometry (WKB) is read to list the choices
            kwargs["queryset"] = Division.objects.defer("boundary").order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RoleFilter(admin.SimpleListFilter):
    """Users by role (the Django group named after the role)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Role.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        value = self.value()
        if value in Role.values:
            return queryset.filter(groups__name=value)
        return None


@admin.register(User)
class UserAdmin(RoleAdminMixin, DjangoUserAdmin):
    list_display = ("username", "name", "unit", "roles", "phone", "badge_number", "is_staff", "is_active")
    list_filter = (RoleFilter, "unit", "is_staff", "is_active", "is_superuser")
    list_select_related = ("unit",)
    search_fields = ("username", "name", "phone", "badge_number", "email")
    autocomplete_fields = ("unit",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "unit", "phone", "badge_number", "email")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "unit", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if is_changelist(request):
            qs = qs.prefetch_related("groups")
        return qs

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(g.name, g.name)) for g in obj.groups.all())

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # an administrator manages roles, not superuser rights or single permissions
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
