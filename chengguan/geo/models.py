from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import BadCode
from chengguan.geo.fields import LINEAR, POLYGONAL, GeometryField
from chengguan.org.codes import check_code


class Grid(models.Model):
    """A unit grid (单元网格): the smallest territorial cell; 15-digit code = community code + 3."""

    code = models.CharField(_("code"), max_length=15, unique=True)
    community = models.ForeignKey(
        "org.Division",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": "community"},
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    geometry = GeometryField(_("geometry"), geom_types=POLYGONAL)
    area_m2 = models.FloatField(_("area (m²)"), default=0)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspected_grids",
    )

    class Meta:
        verbose_name = _("unit grid")
        verbose_name_plural = _("unit grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.community_id is None:
            return
        try:
            check_code("grid", self.code, self.community.code)
        except BadCode as exc:
            raise ValidationError({"code": str(exc.message)}) from None


class RoadGrade(models.TextChoices):
    MAIN = "main", _("Main road (strict control)")
    SECONDARY = "secondary", _("Secondary road (tight control)")
    ALLEY = "alley", _("Street or alley (regulated)")


class Road(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    grade = models.CharField(_("grade"), max_length=16, choices=RoadGrade.choices, db_index=True)
    geometry = GeometryField(_("geometry"), geom_types=LINEAR)
    length_m = models.FloatField(_("length (m)"), default=0)

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BeatKind(models.TextChoices):
    ROAD = "road", _("Road stretch")
    AREA = "area", _("Area")


class PostType(models.TextChoices):
    FIXED = "fixed", _("Fixed post")
    MOBILE = "mobile", _("Mobile patrol")


class Beat(models.Model):
    """A responsibility beat (责任路段/责任区): a road stretch or an area given to a squadron and an officer."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=BeatKind.choices)
    road = models.ForeignKey(
        Road, verbose_name=_("road"), null=True, blank=True, on_delete=models.SET_NULL, related_name="beats"
    )
    geometry = GeometryField(_("geometry"), geom_types=LINEAR + POLYGONAL)
    squadron = models.ForeignKey(
        "org.Unit",
        verbose_name=_("squadron"),
        on_delete=models.PROTECT,
        related_name="beats",
        limit_choices_to={"kind": "squadron"},
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="beats",
    )
    post_type = models.CharField(
        _("post type"), max_length=8, choices=PostType.choices, default=PostType.MOBILE
    )
    post_start = models.TimeField(_("post hours from"), null=True, blank=True)
    post_end = models.TimeField(_("post hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("beat")
        verbose_name_plural = _("beats")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        geom = self.geometry
        if geom is not None:
            if self.kind == BeatKind.ROAD and geom.geom_type not in LINEAR:
                errors["geometry"] = _("a road stretch must be a line")
            if self.kind == BeatKind.AREA and geom.geom_type not in POLYGONAL:
                errors["geometry"] = _("an area beat must be a polygon")
        if self.post_type == PostType.FIXED and (self.post_start is None or self.post_end is None):
            errors["post_start"] = _("a fixed post needs its hours")
        if self.squadron_id is not None and self.squadron.kind != "squadron":
            errors["squadron"] = _("beats are assigned to squadrons")
        if errors:
            raise ValidationError(errors)


class VendingZone(models.Model):
    """A vending zone (疏导点 / 早夜市): where and when street vending is allowed."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = GeometryField(_("area"), geom_types=POLYGONAL)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(
        _("closes at"), help_text=_("May be earlier than the opening time for a zone open past midnight.")
    )
    weekdays = models.CharField(
        _("open on weekdays"),
        max_length=7,
        default="1234567",
        help_text=_("ISO weekday numbers, 1 = Monday … 7 = Sunday."),
    )
    permitted_goods = models.TextField(_("permitted goods"), blank=True)
    capacity = models.PositiveIntegerField(_("stalls"), default=0)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("managing unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vending_zones",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vending zone")
        verbose_name_plural = _("vending zones")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.weekdays or any(ch not in "1234567" for ch in self.weekdays):
            raise ValidationError({"weekdays": _("use the digits 1 (Monday) to 7 (Sunday)")})
        if self.opens_at is not None and self.opens_at == self.closes_at:
            raise ValidationError({"closes_at": _("opening and closing times are the same")})


class TerritoryVersion(models.Model):
    """One row; its number changes whenever any territory geometry or assignment changes.

    Every process keeps its own locate index and rebuilds it when this number moves.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("territory version")
        verbose_name_plural = _("territory version")

    def __str__(self) -> str:
        return str(self.version)
