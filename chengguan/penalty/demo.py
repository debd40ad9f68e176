"""The penalty part of the demo city: every demo officer and squadron leader with a badge number
gets a valid enforcement credential (执法证), so that two of them can act together.

``seed_demo()`` is idempotent: a user who holds a credential already is left alone.
"""

from __future__ import annotations

import datetime as dt

from chengguan.core.clock import city_today
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.penalty.models import EnforcementCredential

ISSUER = "宁波市人民政府"
TERM_YEARS = 5


def seed_demo() -> int:
    """Give a credential to each enforcement officer with a badge number; how many were issued."""
    today = city_today()
    issued = 0
    officers = (
        User.objects.filter(groups__name__in=[Role.OFFICER, Role.SQUADRON_LEADER], is_active=True)
        .exclude(badge_number="")
        .distinct()
        .order_by("pk")
    )
    for user in officers:
        if EnforcementCredential.objects.filter(user=user).exists():
            continue
        if EnforcementCredential.objects.filter(number=user.badge_number).exists():
            continue  # the number is taken (credential numbers are unique)
        EnforcementCredential.objects.create(
            user=user,
            number=user.badge_number,
            issued_by=ISSUER,
            valid_from=today - dt.timedelta(days=365),
            valid_until=today.replace(year=today.year + TERM_YEARS - 1),
        )
        issued += 1
    return issued
