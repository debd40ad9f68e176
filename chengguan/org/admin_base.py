"""Pieces shared by the org and geo admins: role-based permissions, code-prefix filters, map widgets.

Permissions: administrators (role ``admin``) manage the organisation and the territory; leaders may
look; everyone else needs Django model permissions granted explicitly. Superusers keep all rights.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chengguan.geo.fields import GeometryField
from chengguan.geo.widgets import GeometryWidget
from chengguan.org.access import filter_to_territory
from chengguan.org.models import Division, DivisionLevel
from chengguan.org.roles import Role

# More choices than this in a code-prefix filter: list none until a parent division is chosen.
MAX_FILTER_CHOICES = 200


def is_territory_admin(user: Any) -> bool:
    """May ``user`` change the organisation and the territory (superuser or role ``admin``)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return bool(user.is_superuser or user.has_role(Role.ADMIN))


def _role_allows(request: HttpRequest, action: str) -> bool:
    user = request.user
    if is_territory_admin(user):
        return True
    return action == "view" and user.is_active and user.is_staff and user.has_role(Role.LEADER)


class RoleAdminMixin:
    """Grants the admin role every right and the leader role the right to look."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _role_allows(request, "view") or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _role_allows(request, "view") or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _role_allows(request, "add") or super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _role_allows(request, "change") or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _role_allows(request, "delete") or super().has_delete_permission(request, obj)  # type: ignore[misc]


def is_changelist(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name and match.url_name.endswith("_changelist"))


class MapAdminMixin(RoleAdminMixin):
    """Map widget for geometry fields; geometry is never loaded for list pages (WKB decoding costs)."""

    geometry_fields: tuple[str, ...] = ("geometry",)
    # geometry of related rows loaded by list_select_related, never shown in the list either
    changelist_defer: tuple[str, ...] = ()
    # rows coded by division or grid code are listed only inside the viewer's territory
    territory_code_field: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if self.territory_code_field:
            qs = filter_to_territory(qs, request.user, self.territory_code_field)
        if is_changelist(request):
            qs = qs.defer(*self.geometry_fields, *self.changelist_defer)
        return qs

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, GeometryField):
            kwargs["widget"] = GeometryWidget(geom_types=db_field.geom_types)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def map_context(self, request: HttpRequest, obj: Model | None) -> tuple[str, str]:
        """(URL of a GeoJSON layer shown faintly around the geometry, code of the feature to leave out)."""
        return "", ""

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        url, exclude = self.map_context(request, obj)
        for name in self.geometry_fields:
            field = form.base_fields.get(name)
            if field is not None and isinstance(field.widget, GeometryWidget):
                field.widget.context_url = url
                field.widget.context_exclude = exclude
        return form


def bbox_param(geom: Any, margin: float = 0.5) -> str:
    """``bbox=`` value for the geometry's bounds grown by ``margin`` of their size on each side."""
    if geom is None or geom.is_empty:
        return ""
    x0, y0, x1, y1 = geom.bounds
    dx = max((x1 - x0) * margin, 0.002)
    dy = max((y1 - y0) * margin, 0.002)
    return f"{x0 - dx:.6f},{y0 - dy:.6f},{x1 + dx:.6f},{y1 + dy:.6f}"


class CodePrefixFilter(admin.SimpleListFilter):
    """Filter rows whose code starts with a division's code (grids and divisions are coded that way).

    The choices narrow to the division chosen in a coarser filter of the same page (a street filter
    lists the streets of the chosen district).
    """

    level: str = ""
    code_field = "code"
    # parameter names of the coarser filters, most specific first
    narrowed_by: tuple[str, ...] = ()

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        qs = Division.objects.filter(level=self.level)
        for param in self.narrowed_by:
            value = request.GET.get(param, "")
            if value.isdigit():
                qs = qs.filter(code__startswith=value)
                break
        rows = list(qs.order_by("code").values_list("code", "name")[: MAX_FILTER_CHOICES + 1])
        if len(rows) > MAX_FILTER_CHOICES:
            return []
        return [(code, f"{name} ({code})") for code, name in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.code_field}__startswith": value})
        return None


class DistrictFilter(CodePrefixFilter):
    title = _("district")
    parameter_name = "district"
    level = DivisionLevel.DISTRICT


class StreetFilter(CodePrefixFilter):
    title = _("street")
    parameter_name = "street"
    level = DivisionLevel.STREET
    narrowed_by = ("district",)


class CommunityFilter(CodePrefixFilter):
    title = _("community")
    parameter_name = "community_code"
    level = DivisionLevel.COMMUNITY
    narrowed_by = ("street", "district")
