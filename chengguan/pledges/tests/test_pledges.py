"""Frontage pledges (门前四包): shops sign, and what happens in front of a shop counts against it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.cases.intake import submit_report
from chengguan.enforcement.models import EnforcementStep, Party, Violation, ViolationType
from chengguan.pledges import selectors, services
from chengguan.pledges.models import PledgePolicy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CITY = ZoneInfo("Asia/Shanghai")
SHOP_POINT = (121.535, 29.875)  # west street 330203001, grid 330203001001001
IN_FRONT = (121.5352, 29.8751)  # about 22 m away
ACROSS_TOWN = (121.565, 29.865)  # east district
BORDER_SHOP = (121.5499, 29.875)  # 10 m west of the street border at 121.55
BORDER_CASE = (121.5501, 29.875)  # 10 m east of it: another street


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def business(name: str = "老王水果店", kind: str = "individual_business") -> Party:
    return Party.objects.create(kind=kind, name=name, phone="13900000001")


def shop_with_pledge(city, at=SHOP_POINT, name="老王水果店", by="officer"):
    with time_machine.travel(local(2026, 3, 1, 10, 0), tick=False):
        shop = services.register_shop(
            actor=city.users[by],
            party_id=business(name).pk,
            name=name,
            address="中山东路 12 号",
            lon=at[0],
            lat=at[1],
        )
        pledge = services.sign_pledge(
            shop.pk,
            actor=city.users[by],
            area_description="门前人行道至路缘石，东西各 10 米",
            signed_on="2026-03-01",
            valid_until="2027-02-28",
            signatory="王老板",
        )
    return shop, pledge


def report(city, at, when):
    with time_machine.travel(when, tick=False):
        return submit_report(
            actor=city.users["inspector"],
            source="inspector",
            category="event:0504",
            lon=at[0],
            lat=at[1],
            with_duplicates=False,
        ).case


def violation_at(city, at, when):
    vtype, _ = ViolationType.objects.get_or_create(code="street-occupation", defaults={"name": "占道经营"})
    return Violation.objects.create(
        party=Party.objects.create(kind="person", name="流动摊贩"),
        violation_type=vtype,
        occurred_at=when,
        lon=at[0],
        lat=at[1],
        grid_code="330203001001001",
        district_code="330203",
        officer=city.users["officer"],
        proposed_step=EnforcementStep.EDUCATION,
    )


def test_a_case_in_front_of_the_shop_counts_and_one_across_town_does_not(tiny_city):
    shop, pledge = shop_with_pledge(tiny_city)
    assert shop.grid_code == "330203001001001"
    assert shop.street_code == "330203001"
    in_front = report(tiny_city, IN_FRONT, local(2026, 5, 6, 9, 0))
    report(tiny_city, ACROSS_TOWN, local(2026, 5, 6, 9, 5))
    violation_at(tiny_city, IN_FRONT, local(2026, 5, 7, 19, 0))

    record = selectors.pledge_record(pledge, dt.date(2026, 5, 1), dt.date(2026, 5, 31))

    assert [c.pk for c in record.cases] == [in_front.pk]
    assert len(record.violations) == 1
    assert record.breaches == 2


def test_a_case_just_across_the_street_border_does_not_count(tiny_city):
    _shop, pledge = shop_with_pledge(tiny_city, at=BORDER_SHOP)
    report(tiny_city, BORDER_CASE, local(2026, 5, 6, 9, 0))
    assert selectors.pledge_record(pledge, dt.date(2026, 5, 1), dt.date(2026, 5, 31)).breaches == 0


def test_the_frontage_distance_is_configurable(tiny_city):
    _shop, pledge = shop_with_pledge(tiny_city)
    report(tiny_city, IN_FRONT, local(2026, 5, 6, 9, 0))
    PledgePolicy.objects.create(frontage_distance_m=15)
    assert selectors.pledge_record(pledge, dt.date(2026, 5, 1), dt.date(2026, 5, 31)).breaches == 0


def test_only_what_happened_while_the_pledge_was_valid_counts(tiny_city):
    _shop, pledge = shop_with_pledge(tiny_city)
    report(tiny_city, IN_FRONT, local(2026, 2, 20, 9, 0))  # before signing
    report(tiny_city, IN_FRONT, local(2026, 3, 2, 9, 0))
    record = selectors.pledge_record(pledge, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert record.breaches == 1
    assert record.start == local(2026, 3, 1)


def test_the_ranking_puts_the_shop_with_most_breaches_first(tiny_city):
    _a, quiet = shop_with_pledge(tiny_city, at=(121.545, 29.865), name="安静书店")
    _b, busy = shop_with_pledge(tiny_city, name="老王水果店")
    report(tiny_city, IN_FRONT, local(2026, 5, 6, 9, 0))
    violation_at(tiny_city, SHOP_POINT, local(2026, 5, 8, 9, 0))
    rows = selectors.ranking(dt.date(2026, 5, 1), dt.date(2026, 5, 31), actor=tiny_city.users["leader"])
    assert [(r.pledge.pk, r.breaches) for r in rows] == [(busy.pk, 2), (quiet.pk, 0)]
    # the east officer sees none of the west shops
    assert (
        selectors.ranking(dt.date(2026, 5, 1), dt.date(2026, 5, 31), actor=tiny_city.users["outsider"]) == []
    )


def test_a_person_cannot_sign_a_frontage_pledge_as_a_shop(tiny_city):
    person = Party.objects.create(kind="person", name="张三")
    with pytest.raises(services.InvalidInput) as bad:
        services.register_shop(
            actor=tiny_city.users["officer"],
            party_id=person.pk,
            name="x",
            address="y",
            lon=SHOP_POINT[0],
            lat=SHOP_POINT[1],
        )
    assert bad.value.field == "party"


def test_registering_and_signing_are_audited(tiny_city):
    shop, pledge = shop_with_pledge(tiny_city)
    assert AuditEntry.objects.filter(action="pledges.register_shop", target_id=str(shop.pk)).exists()
    assert AuditEntry.objects.filter(action="pledges.sign", target_id=str(pledge.pk)).exists()


def test_a_second_pledge_overlapping_the_first_is_refused(tiny_city):
    shop, _pledge = shop_with_pledge(tiny_city)
    with (
        time_machine.travel(local(2026, 6, 1, 10, 0), tick=False),
        pytest.raises(services.InvalidInput) as bad,
    ):
        services.sign_pledge(
            shop.pk,
            actor=tiny_city.users["officer"],
            area_description="门前",
            signed_on="2026-06-01",
            valid_until="2027-05-31",
            signatory="王老板",
        )
    assert bad.value.field == "signed_on"
