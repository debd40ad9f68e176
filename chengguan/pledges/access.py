"""Who may see and sign frontage pledges (one condition per line, each tested).

* administrators, leaders and superusers see every shop;
* enforcement staff (officers, squadron leaders, inspectors) see the shops in their territory;
* officers and squadron leaders of the place register shops and record pledges;
* anybody else sees none: ``NotFound`` for those without a unit, ``AccessDenied`` for staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, NotFound
from chengguan.org.access import territory_of, territory_q
from chengguan.org.roles import CITYWIDE_ROLES, Role
from chengguan.pledges.models import Pledge, PledgePolicy, Shop

READ_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.INSPECTOR, Role.LEADER, Role.ADMIN})
WRITE_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER})


class ShopNotFound(NotFound):
    default_message = _("There is no such shop.")


class PledgeNotFound(NotFound):
    default_message = _("There is no such pledge.")


def get_policy() -> PledgePolicy:
    return PledgePolicy.objects.filter(pk=1).first() or PledgePolicy()


def is_active(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def sees_everything(actor: Any) -> bool:
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*CITYWIDE_ROLES)


def can_see_shop(actor: Any, shop: Shop) -> bool:
    if not is_active(actor):
        return False
    if sees_everything(actor):
        return True
    if not actor.has_role(*READ_ROLES):
        return False
    return territory_of(actor).covers_code(shop.grid_code)


def _refuse(actor: Any, not_found: Exception, **details: Any) -> Exception:
    if not is_active(actor) or not getattr(actor, "unit_id", None):
        return not_found
    return AccessDenied(**details)


def access_shop(actor: Any, shop_id: Any) -> Shop:
    try:
        shop = Shop.objects.select_related("party").get(pk=int(shop_id))
    except (Shop.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ShopNotFound(field="shop") from None
    if can_see_shop(actor, shop):
        return shop
    raise _refuse(actor, ShopNotFound(field="shop"), field="shop", shop=shop.pk)


def access_pledge(actor: Any, pledge_id: Any) -> Pledge:
    try:
        pledge = Pledge.objects.select_related("shop", "shop__party").get(pk=int(pledge_id))
    except (Pledge.DoesNotExist, TypeError, ValueError, OverflowError):
        raise PledgeNotFound(field="pledge") from None
    if can_see_shop(actor, pledge.shop):
        return pledge
    raise _refuse(actor, PledgeNotFound(field="pledge"), field="pledge", pledge=pledge.pk)


def get_shops_visible_to(actor: Any) -> QuerySet[Shop]:
    if not is_active(actor):
        return Shop.objects.none()
    if sees_everything(actor):
        return Shop.objects.all()
    if not actor.has_role(*READ_ROLES):
        return Shop.objects.none()
    return Shop.objects.filter(territory_q(territory_of(actor), "grid_code"))
