"""Rate limits of ``POST requests``: per client address and per API key, in fixed windows.

Counters live in the database (``RateCounter``), so every server process shares them; a counter
moves by a conditional update (``count < limit``), so two requests at once never both take the last
place. Expired counters are deleted as new ones are written.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.open311.errors import Open311Error
from chengguan.open311.models import ApiKey, RateCounter

ADDRESS = "address"
KEY = "key"


def window_seconds() -> int:
    return int(getattr(settings, "OPEN311_RATE_WINDOW_S", 3600))


def address_limit() -> int:
    return int(getattr(settings, "OPEN311_ADDRESS_RATE", 60))


def key_limit(api_key: ApiKey) -> int:
    return int(api_key.rate_limit or getattr(settings, "OPEN311_KEY_RATE", 1000))


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the entry our trusted proxies added to X-Forwarded-For."""
    proxies = int(getattr(settings, "OPEN311_NUM_PROXIES", 0))
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))][:100]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:100]


def take(scope: str, key: str, limit: int, *, now: dt.datetime | None = None) -> int | None:
    """Count one request of ``key`` in ``scope``; None if allowed, else the seconds until the next window."""
    now = now or timezone.now()
    period = window_seconds()
    stamp = now.timestamp()
    window = int(stamp // period)
    expires = dt.datetime.fromtimestamp((window + 1) * period, tz=dt.UTC)
    with transaction.atomic():
        RateCounter.objects.filter(expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                RateCounter.objects.get_or_create(
                    scope=scope, key=key, window=window, defaults={"expires_at": expires}
                )
        except IntegrityError:
            pass  # created by a request at the same moment: count on it
        counted = RateCounter.objects.filter(scope=scope, key=key, window=window, count__lt=limit).update(
            count=F("count") + 1
        )
    if counted:
        return None
    return max(1, math.ceil((window + 1) * period - stamp))


def _too_many(message: Any, retry_after: int) -> Open311Error:
    return Open311Error(429, message, headers={"Retry-After": str(retry_after)})


def check_address(request: HttpRequest) -> None:
    """429 when the client's address sent too many requests in this window."""
    wait = take(ADDRESS, client_address(request), address_limit())
    if wait is not None:
        raise _too_many(
            _(
                "Too many requests from your address: at most %(limit)s per %(minutes)s minutes. "
                "Try again in %(wait)s seconds."
            )
            % {"limit": address_limit(), "minutes": window_seconds() // 60 or 1, "wait": wait},
            wait,
        )


def check_key(api_key: ApiKey) -> None:
    """429 when the API key sent too many requests in this window."""
    limit = key_limit(api_key)
    wait = take(KEY, str(api_key.pk), limit)
    if wait is not None:
        raise _too_many(
            _(
                "Too many requests with this api_key: at most %(limit)s per %(minutes)s minutes. "
                "Try again in %(wait)s seconds."
            )
            % {"limit": limit, "minutes": window_seconds() // 60 or 1, "wait": wait},
            wait,
        )
