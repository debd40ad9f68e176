"""Frontage pledges (门前四包): shops sign to keep the area in front of them in order.

* ``PledgePolicy``: the bureau's settings (one row, pk 1): how far from a shop's point a case or a
  violation counts as "in front of" it.
* ``Shop``: an individual business or company of the ledger (``enforcement.Party``) at an address,
  located (``geo.locate``) to its grid, community, street and district.
* ``Pledge``: the responsibility area, the four duties (包市容、包环境卫生、包秩序、包绿化设施), the
  date it was signed, how long it is valid and who signed it for the shop.

A case (``cases.Case``) or a violation (``enforcement.Violation``) in front of a shop while its pledge
is valid counts against the pledge (``selectors.pledge_record``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class PledgePolicy(models.Model):
    frontage_distance_m = models.PositiveIntegerField(
        _("frontage distance (metres)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_(
            "A case or violation this close to a shop, in the same street, counts against its pledge."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("frontage pledge policy")
        verbose_name_plural = _("frontage pledge policy")

    def __str__(self) -> str:
        return str(_("Frontage pledge policy"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class Shop(models.Model):
    party = models.ForeignKey(
        "enforcement.Party", verbose_name=_("business"), on_delete=models.PROTECT, related_name="shops"
    )
    name = models.CharField(_("shop sign"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    community_code = models.CharField(_("community"), max_length=12, db_index=True)
    street_code = models.CharField(_("street"), max_length=9, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} · {self.address}"


class Pledge(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="pledges")
    area_description = models.TextField(_("responsibility area"))
    duty_appearance = models.BooleanField(_("keep the frontage tidy (包市容)"), default=True)
    duty_sanitation = models.BooleanField(_("keep the frontage clean (包环境卫生)"), default=True)
    duty_order = models.BooleanField(_("keep order in front (包秩序)"), default=True)
    duty_greenery = models.BooleanField(_("look after greenery and facilities (包绿化设施)"), default=True)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    signatory = models.CharField(_("signed for the shop by"), max_length=100)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("frontage pledge")
        verbose_name_plural = _("frontage pledges")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("signed_on")), name="pledge_valid_after_signed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.signed_on}–{self.valid_until}"

    def duties(self) -> list[str]:
        return [
            name
            for name, on in (
                ("appearance", self.duty_appearance),
                ("sanitation", self.duty_sanitation),
                ("order", self.duty_order),
                ("greenery", self.duty_greenery),
            )
            if on
        ]
