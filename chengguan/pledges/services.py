"""Registering shops and recording their frontage pledges; both audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.core.clock import city_today
from chengguan.core.errors import AccessDenied, InvalidInput
from chengguan.geo.locate import locate
from chengguan.org.access import check_can_act_at
from chengguan.pledges.access import WRITE_ROLES, access_shop, is_active
from chengguan.pledges.models import Pledge, Shop

SHOP_KINDS = ("individual_business", "company")


def _writer(actor: Any) -> Any:
    if not is_active(actor) or not actor.has_role(*WRITE_ROLES):
        raise AccessDenied(_("Your role may not do this."), field="actor")
    return actor


def _text(value: Any, field: str, limit: int | None = None, *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(_("%(field)s is required.") % {"field": field}, field=field)
    if limit is not None and len(text) > limit:
        raise InvalidInput(
            _("%(field)s is longer than %(n)s characters.") % {"field": field, "n": limit}, field=field
        )
    return text


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    parsed = parse_date(str(value)) if value not in (None, "") else None
    if parsed is None:
        raise InvalidInput(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": field}, field=field)
    return parsed


def register_shop(*, actor: Any, party_id: Any, name: str, address: str, lon: Any, lat: Any) -> Shop:
    """A shop of an individual business or company, located to its grid, community and street."""
    from chengguan.enforcement.models import Party

    user = _writer(actor)
    party = Party.objects.filter(pk=int(party_id)).first() if str(party_id).isdigit() else None
    if party is None:
        raise InvalidInput(_("There is no such party."), field="party")
    if party.kind not in SHOP_KINDS:
        raise InvalidInput(_("A shop belongs to an individual business or a company."), field="party")
    name = _text(name, "name", 100)
    address = _text(address, "address", 200)
    where = locate(lon, lat)
    check_can_act_at(user, where)
    street = where.street.code if where.street else where.community.code[:9]
    district = where.district.code if where.district else street[:6]
    with transaction.atomic():
        shop = Shop.objects.create(
            party=party,
            name=name,
            address=address,
            lon=where.lon,
            lat=where.lat,
            grid_code=where.grid_code,
            community_code=where.community.code,
            street_code=street,
            district_code=district,
            created_by=user,
        )
        audit_record(
            "pledges.register_shop",
            actor=user,
            target=shop,
            payload={"party": party.pk, "name": name, "grid_code": shop.grid_code},
        )
    return shop


def sign_pledge(
    shop_id: Any,
    *,
    actor: Any,
    area_description: str,
    signed_on: Any,
    valid_until: Any,
    signatory: str,
    duty_appearance: bool = True,
    duty_sanitation: bool = True,
    duty_order: bool = True,
    duty_greenery: bool = True,
) -> Pledge:
    """门前四包: the shop's signed pledge (its area, the four duties, signed on, valid until, by whom)."""
    shop = access_shop(actor, shop_id)
    user = _writer(actor)
    check_can_act_at(user, shop.grid_code)
    area = _text(area_description, "area_description")
    signatory = _text(signatory, "signatory", 100)
    signed = _date(signed_on, "signed_on")
    until = _date(valid_until, "valid_until")
    today = city_today()
    if signed > today:
        raise InvalidInput(_("signed_on lies in the future."), field="signed_on")
    if until < signed:
        raise InvalidInput(_("valid_until lies before signed_on."), field="valid_until")
    duties = [bool(duty_appearance), bool(duty_sanitation), bool(duty_order), bool(duty_greenery)]
    if not any(duties):
        raise InvalidInput(_("A pledge takes on at least one of the four duties."), field="duty_appearance")
    overlapping = shop.pledges.filter(signed_on__lte=until, valid_until__gte=signed)
    if overlapping.exists():
        raise InvalidInput(
            _("The shop already has a pledge valid in this period."),
            field="signed_on",
            pledge=overlapping.first().pk,
        )
    with transaction.atomic():
        pledge = Pledge.objects.create(
            shop=shop,
            area_description=area,
            duty_appearance=duties[0],
            duty_sanitation=duties[1],
            duty_order=duties[2],
            duty_greenery=duties[3],
            signed_on=signed,
            valid_until=until,
            signatory=signatory,
            recorded_by=user,
        )
        audit_record(
            "pledges.sign",
            actor=user,
            target=pledge,
            payload={"shop": shop.pk, "signed_on": signed, "valid_until": until, "duties": pledge.duties()},
        )
    return pledge
