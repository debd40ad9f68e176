"""The patrol log of the staff web (巡查日志): a field worker starts a patrol, the browser posts
positions while it runs, and the worker stops it. The positions show how much of the worker's
grids or beat was covered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Patrol(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("patrolling person"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    position_count = models.PositiveIntegerField(_("positions recorded"), default=0)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        constraints = [
            # one running patrol per person at a time
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(ended_at__isnull=True), name="staff_one_running_patrol"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None


class PatrolPosition(models.Model):
    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="positions"
    )
    at = models.DateTimeField(_("at"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("patrol position")
        verbose_name_plural = _("patrol positions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["patrol", "at"], name="staff_patrol_position_at")]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.lon:.6f},{self.lat:.6f}"
