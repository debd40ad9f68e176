from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import BadCode
from chengguan.geo.fields import POLYGONAL, GeometryField
from chengguan.org.codes import check_code


class DivisionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


PARENT_LEVEL = {
    DivisionLevel.DISTRICT: DivisionLevel.CITY,
    DivisionLevel.STREET: DivisionLevel.DISTRICT,
    DivisionLevel.COMMUNITY: DivisionLevel.STREET,
}


class Division(models.Model):
    """An administrative division: city, district (区/县), street (街道/乡镇) or community (社区/村)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    boundary = GeometryField(_("boundary"), geom_types=POLYGONAL, null=True, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        expected_parent = PARENT_LEVEL.get(self.level)
        if expected_parent is None and self.parent_id is not None:
            raise ValidationError({"parent": _("a city has no parent division")})
        if expected_parent is not None:
            if self.parent is None:
                raise ValidationError({"parent": _("this level needs a parent division")})
            if self.parent.level != expected_parent:
                raise ValidationError(
                    {
                        "parent": _("the parent of a %(level)s must be a %(parent)s")
                        % {"level": self.get_level_display(), "parent": expected_parent.label}
                    }
                )
        try:
            check_code(self.level, self.code, self.parent.code if self.parent else None)
        except BadCode as exc:
            raise ValidationError({exc.field or "code": str(exc.message)}) from None


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    BRIGADE = "brigade", _("Brigade")
    SQUADRON = "squadron", _("Squadron")
    DEPARTMENT = "department", _("Department")
    AGENCY = "agency", _("Agency")


class Specialty(models.TextChoices):
    SANITATION = "sanitation", _("Sanitation")
    ROADS = "roads", _("Roads and bridges")
    GREENERY = "greenery", _("Greenery")
    WATER = "water", _("Water and drainage")
    POWER = "power", _("Power and street lights")
    UTILITIES = "utilities", _("Gas, telecom and other utilities")
    MARKET = "market", _("Market regulation")
    TRAFFIC = "traffic", _("Traffic police")
    POLICE = "police", _("Public security")


class Unit(models.Model):
    """An organisational unit: the bureau, a brigade, a squadron, a department or another agency."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    specialty = models.CharField(_("specialty"), max_length=16, choices=Specialty.choices, blank=True)
    territory = models.ManyToManyField(
        Division,
        verbose_name=_("territory"),
        blank=True,
        related_name="units",
        help_text=_("Divisions this unit is responsible for; empty means the parent unit's territory."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("a unit cannot be its own ancestor")})
            seen.add(node.pk)
            node = node.parent


class User(AbstractUser):
    """A staff member or a citizen. Roles are Django groups named after ``Role`` values."""

    name = models.CharField(_("full name"), max_length=64, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("home unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    badge_number = models.CharField(
        _("enforcement credential number"),
        max_length=32,
        blank=True,
        help_text=_("执法证号: needed to act in enforcement procedures."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))
