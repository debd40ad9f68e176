"""Open311 GeoReport v2: API keys of client applications, the Open311 side of a submitted request
(token, the client's media URL) and the counters behind the rate limits.

A service request *is* a case (``cases.Case``); ``ServiceRequest`` only keeps what Open311 adds to
it when the case came in through ``POST requests``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengguan.org.roles import Role

KEY_BYTES = 24


def new_api_key() -> str:
    """A fresh random API key (32 URL-safe characters)."""
    return secrets.token_urlsafe(KEY_BYTES)


def new_token() -> str:
    """A fresh server token for a request whose client sent none."""
    return secrets.token_urlsafe(12)


class ApiKey(models.Model):
    """The key of one client application (an app, a hotline system, a partner's portal)."""

    key = models.CharField(_("key"), max_length=64, unique=True, default=new_api_key)
    name = models.CharField(_("application"), max_length=100)
    owner_contact = models.CharField(
        _("owner contact"), max_length=200, help_text=_("Who runs the application, and how to reach them.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reports as user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open311_keys",
        help_text=_("Optional: a citizen account the reports of this key are filed as. Empty: anonymous."),
    )
    active = models.BooleanField(_("active"), default=True)
    rate_limit = models.PositiveIntegerField(
        _("rate limit (requests per window)"),
        null=True,
        blank=True,
        help_text=_(
            "Most POST requests with this key per rate window (an hour by default). Empty: the server's default."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.user_id is not None and not self.user.has_role(Role.CITIZEN):
            raise ValidationError(
                {"user": _("Reports come in as citizen reports: choose a user with the citizen role.")}
            )


class ServiceRequest(models.Model):
    """What Open311 adds to a case submitted through ``POST requests``."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="open311"
    )
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="requests"
    )
    token = models.CharField(_("token"), max_length=100, db_index=True)
    media_url = models.URLField(_("media URL given by the client"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 service request")
        verbose_name_plural = _("Open311 service requests")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["api_key", "token"], name="open311_token_per_key")]

    def __str__(self) -> str:
        return f"{self.token} → {self.case_id}"


class RateCounter(models.Model):
    """Requests counted in one fixed window for one (scope, key): ``("address", "1.2.3.4")``."""

    scope = models.CharField(_("scope"), max_length=16)
    key = models.CharField(_("key"), max_length=100)
    window = models.BigIntegerField(_("window"))
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window"], name="open311_rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}@{self.window}={self.count}"
