"""Admin for the catalog: major classes, categories with their time limits and their history.

A change of a category (its fields and its time limits together) is one new version with a
revision row: the admin saves through ``chengguan.catalog.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from chengguan.catalog.models import Category, CategoryRevision, MajorClass, TimeLimit
from chengguan.catalog.services import EDITABLE_FIELDS, create_category, revising
from chengguan.org.admin_base import RoleAdminMixin


@admin.register(MajorClass)
class MajorClassAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "kind", "standard")
    list_filter = ("kind",)
    search_fields = ("^code", "name_zh", "name_en")
    fields = ("kind", "code", "name_zh", "name_en", "standard")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # the minor codes start with the major code: it cannot change under them
        return ("kind", "code") if obj is not None else ()


class TimeLimitInline(RoleAdminMixin, admin.TabularInline):
    model = TimeLimit
    extra = 0
    fields = ("step", "urgency", "amount", "unit")


class RevisionInline(RoleAdminMixin, admin.TabularInline):
    """The history of the category, newest first; nobody edits it."""

    model = CategoryRevision
    extra = 0
    can_delete = False
    ordering = ("-version",)
    fields = ("version", "changed_at", "actor", "note", "changed_fields", "old_values_table")
    readonly_fields = fields
    verbose_name = _("earlier version")
    verbose_name_plural = _("history")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("old values"))
    def old_values_table(self, revision: CategoryRevision) -> str:
        old = revision.old_values or {}
        return format_html_join(
            "",
            "<div><b>{}</b>: {}</div>",
            ((name, old.get(name, "")) for name in revision.changed_fields if name in old),
        )


@admin.register(Category)
class CategoryAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "kind",
        "major",
        "handling_unit_kind",
        "handling_specialty",
        "attribution_rule",
        "enforcement_link",
        "is_active",
        "version",
    )
    list_filter = (
        "kind",
        "major",
        "handling_unit_kind",
        "handling_specialty",
        "enforcement_link",
        "is_active",
    )
    list_select_related = ("major",)
    search_fields = ("^code", "name_zh", "name_en")
    ordering = ("kind", "code")
    list_per_page = 100
    inlines = (TimeLimitInline, RevisionInline)
    readonly_fields = ("kind", "version", "updated_at")
    fieldsets = (
        (None, {"fields": ("major", "code", "kind", "name_zh", "name_en", "is_active")}),
        (
            _("Handling"),
            {
                "fields": (
                    "attribution_rule",
                    "handling_unit_kind",
                    "handling_specialty",
                    "enforcement_link",
                    "registration_criteria",
                    "closure_criteria",
                )
            },
        ),
        (_("Version"), {"fields": ("standard", "version", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        if not change:
            fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
            created = create_category(actor=request.user, note=str(_("admin")), **fields)
            obj.pk = created.pk
            obj.refresh_from_db()
            obj._state.adding = False
        # A change is written in save_related, together with the time limits of the inline, so
        # that both become one version (the row is read before anything is written).

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if not change:
            super().save_related(request, form, formsets, change)
            return
        category: Category = form.instance
        with revising(category, actor=request.user, note=str(_("admin"))) as current:
            category.version = current.version  # never write back a version read before the lock
            category.save()
            super().save_related(request, form, formsets, change)


@admin.register(CategoryRevision)
class CategoryRevisionAdmin(RoleAdminMixin, admin.ModelAdmin):
    """All catalog changes, for audit; read only."""

    list_display = ("category", "version", "changed_at", "actor", "note")
    list_filter = ("category__kind",)
    list_select_related = ("category", "actor")
    search_fields = ("^category__code", "category__name_zh")
    date_hierarchy = "changed_at"
    fields = ("category", "version", "changed_at", "actor", "note", "changed_fields", "old_values")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
