"""The catalog of component (部件) and event (事件) categories and their time limits.

Codes, names, handling units and time limits are local practice (REFERENCE.md §3–4): they are data,
seeded from ``data/categories.json``, edited in the admin or with ``load_catalog``, and versioned.
Every change to a category or its time limits goes through ``chengguan.catalog.services``, which
bumps ``Category.version`` and keeps the old values in a ``CategoryRevision``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chengguan.org.models import Specialty, UnitKind


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("Component")
    EVENT = "event", _("Event")


class AttributionRule(models.TextChoices):
    OWNER_FIRST = "owner_first", _("Owner first, then territory")
    TERRITORY_FIRST = "territory_first", _("Territory first, then owner")


# 部件 "先属主、后属地"; 事件 "先属地、后属主" (REFERENCE.md §3.1).
DEFAULT_ATTRIBUTION = {
    CategoryKind.COMPONENT: AttributionRule.OWNER_FIRST,
    CategoryKind.EVENT: AttributionRule.TERRITORY_FIRST,
}

# The unit kinds a category can be dispatched to.
HANDLING_UNIT_KINDS = (UnitKind.DEPARTMENT, UnitKind.SQUADRON)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Step(models.TextChoices):
    """The workflow steps a time limit applies to.

    ``handle`` runs from dispatch to report back and so includes ``accept``; an ``accept`` limit,
    when a category has one, is a shorter limit inside it.
    """

    REGISTER = "register", _("Register")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


major_code_validator = RegexValidator(r"^\d{2}\Z", _("A major class code is two digits."))
minor_code_validator = RegexValidator(r"^\d{4}\Z", _("A minor class code is four digits."))


def localized_name(obj: MajorClass | Category) -> str:
    """The Chinese name in a Chinese interface, else the English one (the Chinese if none)."""
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if language.startswith("zh"):
        return obj.name_zh
    return obj.name_en or obj.name_zh


class MajorClass(models.Model):
    """A major class (大类) of components or events, e.g. 部件 01 公用设施."""

    kind = models.CharField(_("kind"), max_length=16, choices=CategoryKind.choices)
    code = models.CharField(_("code"), max_length=2, validators=[major_code_validator])
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    standard = models.CharField(_("standard"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("major class")
        verbose_name_plural = _("major classes")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="catalog_major_kind_code")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} {localized_name(self)}"


class Category(models.Model):
    """A minor class (小类): what a case is about, who handles it and how fast.

    ``kind`` repeats the major class's kind so that (kind, code) is unique in the database.
    """

    major = models.ForeignKey(
        MajorClass, verbose_name=_("major class"), on_delete=models.PROTECT, related_name="categories"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CategoryKind.choices, editable=False)
    code = models.CharField(
        _("code"),
        max_length=4,
        validators=[minor_code_validator],
        help_text=_("Four digits: the major class code followed by two digits."),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    attribution_rule = models.CharField(
        _("attribution rule"),
        max_length=16,
        choices=AttributionRule.choices,
        blank=True,
        help_text=_("Empty: owner first for components, territory first for events."),
    )
    handling_unit_kind = models.CharField(
        _("handling unit kind"),
        max_length=16,
        choices=[(k.value, k.label) for k in HANDLING_UNIT_KINDS],
        default=UnitKind.DEPARTMENT,
    )
    handling_specialty = models.CharField(
        _("handling specialty"), max_length=16, choices=Specialty.choices, blank=True
    )
    registration_criteria = models.TextField(_("registration criteria"), blank=True)
    closure_criteria = models.TextField(_("closure criteria"), blank=True)
    enforcement_link = models.BooleanField(
        _("may lead to enforcement"),
        default=False,
        help_text=_("Cases of this category may open enforcement proceedings (e.g. street occupation)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    standard = models.CharField(_("standard"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="catalog_category_kind_code")]

    def __str__(self) -> str:
        return f"{self.code} {localized_name(self)}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.major_id:
            self.kind = self.major.kind
        if not self.attribution_rule and self.kind:
            self.attribution_rule = DEFAULT_ATTRIBUTION[CategoryKind(self.kind)]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        major = self.major if self.major_id else None
        if major is not None:
            self.kind = major.kind
            if self.code and not self.code.startswith(major.code):
                errors["code"] = ValidationError(
                    _("The code must start with the major class code %(major)s."),
                    params={"major": major.code},
                )
            # (kind, code) is unique; a form leaves ``kind`` out, so check it here
            elif (
                self.code
                and Category.objects.filter(kind=self.kind, code=self.code).exclude(pk=self.pk).exists()
            ):
                errors["code"] = ValidationError(
                    _("A %(kind)s category with code %(code)s already exists."),
                    params={"kind": self.get_kind_display(), "code": self.code},
                )
        if errors:
            raise ValidationError(errors)


class TimeLimit(models.Model):
    """How long a workflow step may take for a category at an urgency."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="time_limits"
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    amount = models.DecimalField(
        _("amount"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["category", "step", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["category", "step", "urgency"], name="catalog_limit_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="catalog_limit_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} / {self.get_urgency_display()}: {self.amount.normalize():f} {self.get_unit_display()}"


class CategoryRevision(models.Model):
    """One change of a category: the values it had before, as JSON (nothing changes silently)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("new version"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_fields = models.JSONField(_("changed fields"), default=list)
    old_values = models.JSONField(
        _("old values"), default=dict, help_text=_("The category as it was before this change.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("category revision")
        verbose_name_plural = _("category revisions")
        ordering = ["category", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["category", "version"], name="catalog_revision_version")
        ]

    def __str__(self) -> str:
        return f"{self.category.code} v{self.version}"
