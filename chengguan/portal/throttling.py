"""Abuse protection of the portal: fixed-window rate limits per client address, in Django's cache.

``settings.PORTAL_RATE_LIMITS`` maps an action to ``"N/period"`` (period: s, min, hour, day), e.g.
``{"report": "10/hour"}``; a missing or empty entry means no limit. Signed-in staff are not limited.
The client address is ``REMOTE_ADDR`` (or the first ``X-Forwarded-For`` address when
``PORTAL_TRUST_X_FORWARDED_FOR`` is on, behind a proxy that sets it).
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from chengguan.core.errors import ChengguanError

PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")
DEFAULT_LIMITS = {
    "report": "10/hour",
    "petition": "5/hour",
    "rate": "20/hour",
    "track": "60/hour",
    "signup": "5/hour",
}


class RateLimited(ChengguanError):
    code = "rate_limited"  # type: ignore[assignment]
    http_status = 429

    def __init__(self, *, retry_after: int, action: str) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            _("Too many submissions from your address; try again in %(minutes)s minutes.")
            % {"minutes": minutes},
            field="rate",
            retry_after=retry_after,
            action=action,
        )
        self.retry_after = retry_after


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/hour"`` → (10, 3600); ``"3/10min"`` → (3, 600)."""
    match = RATE_RE.match(rate or "")
    if not match or match.group(3) not in PERIODS:
        raise ValueError(f"bad rate {rate!r}: use N/s, N/min, N/hour or N/day")
    count, multiple, unit = int(match.group(1)), match.group(2), match.group(3)
    return count, (int(multiple) if multiple else 1) * PERIODS[unit]


def client_address(request: Any) -> str:
    if getattr(settings, "PORTAL_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limit_for(action: str) -> tuple[int, int] | None:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}
    rate = limits.get(action)
    return parse_rate(rate) if rate else None


def check_rate(request: Any, action: str) -> None:
    """Count one ``action`` from the request's address; ``RateLimited`` (429) past the limit."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return
    limit = limit_for(action)
    if limit is None:
        return
    count, period = limit
    now = int(time.time())
    window = now // period
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    key = f"portal-rate:{action}:{address}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 5)
        used = 1
    if used > count:
        raise RateLimited(retry_after=(window + 1) * period - now, action=action)
