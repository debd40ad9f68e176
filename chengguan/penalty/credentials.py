"""Enforcement credentials (执法证): who may act, and the rule of at least two officers (art. 42)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from chengguan.core.clock import city_today
from chengguan.penalty.errors import LegalBar
from chengguan.penalty.models import EnforcementCredential

MIN_OFFICERS = 2  # 行政处罚法 art. 42, 行政强制法 art. 18: 不少于两人 (national law, not local policy)


def credential_holders(user_ids: Iterable[int], day: dt.date) -> set[int]:
    """The users among ``user_ids`` who hold a valid, unrevoked credential on ``day``."""
    ids = {int(i) for i in user_ids}
    if not ids:
        return set()
    return set(
        EnforcementCredential.objects.filter(
            user_id__in=ids,
            valid_from__lte=day,
            valid_until__gte=day,
            revoked_at__isnull=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def holds_credential(user: Any, day: dt.date) -> bool:
    return getattr(user, "pk", None) is not None and bool(credential_holders([user.pk], day))


def holds_credential_today(user: Any) -> bool:
    """A valid, unrevoked credential today (city date): what every enforcement act checks."""
    return holds_credential(user, city_today())


def check_two_officers(user_ids: Iterable[int], day: dt.date, *, field: str = "officers") -> set[int]:
    """Refuse unless at least two different officers with valid credentials on ``day`` are named."""
    ids = {int(i) for i in user_ids}
    holders = credential_holders(ids, day)
    if len(holders) < MIN_OFFICERS:
        missing = sorted(ids - holders)
        raise LegalBar(
            _(
                "At least two officers holding a valid enforcement credential must act "
                "(Administrative Penalty Law art. 42); %(n)s of those named hold one on %(day)s."
            )
            % {"n": len(holders), "day": day.isoformat()},
            rule="two_officers",
            field=field,
            without_credential=missing,
        )
    return holders
