"""The frontage pledge part of the demo city: every individual business or company of the ledger
with a known place becomes a shop that signed a pledge a month ago, valid for a year.

``seed_demo()`` is idempotent: a party that has a shop already is left alone. It goes through
``services`` (located, territory-checked, audited) as an officer of the place; a party no officer
may act for is skipped. Run it after the enforcement demo (which writes the ledger).
"""

from __future__ import annotations

import datetime as dt

from chengguan.core.clock import city_today
from chengguan.core.errors import ChengguanError
from chengguan.org.access import can_act_at
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.pledges import services
from chengguan.pledges.models import Shop

AREA = "门前人行道至路缘石，左右各以相邻店铺分界"


def seed_demo() -> int:
    """Register a shop and its pledge for each business of the ledger; how many shops were made."""
    from chengguan.enforcement.models import Party
    from chengguan.geo.locate import locate

    today = city_today()
    officers = list(
        User.objects.filter(groups__name__in=[Role.OFFICER, Role.SQUADRON_LEADER], is_active=True)
        .distinct()
        .order_by("pk")
    )
    made = 0
    parties = (
        Party.objects.filter(kind__in=services.SHOP_KINDS, lon__isnull=False, lat__isnull=False)
        .exclude(pk__in=Shop.objects.values("party_id"))
        .order_by("pk")
    )
    for party in parties:
        try:
            where = locate(party.lon, party.lat)
        except ChengguanError:
            continue
        officer = next((u for u in officers if can_act_at(u, where)), None)
        if officer is None:
            continue
        shop = services.register_shop(
            actor=officer,
            party_id=party.pk,
            name=party.name,
            address=party.usual_place or party.name,
            lon=party.lon,
            lat=party.lat,
        )
        services.sign_pledge(
            shop.pk,
            actor=officer,
            area_description=AREA,
            signed_on=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=334),
            signatory=party.name,
        )
        made += 1
    return made
