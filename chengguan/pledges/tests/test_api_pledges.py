"""The pledges API: registering a shop, recording its pledge, its record, the ranking; every denial."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from chengguan.enforcement.models import Party
from chengguan.pledges.models import Shop
from chengguan.pledges.tests.test_pledges import IN_FRONT, SHOP_POINT, local, report, shop_with_pledge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/api/v1/pledges/"


def client_for(city, who):
    client = APIClient()
    if who is not None:
        client.force_authenticate(city.users[who])
    return client


def shop_body(at=SHOP_POINT):
    party = Party.objects.create(
        kind="company", name="宁波某某餐饮有限公司", credit_code="91330200MA2AAAAA1X"
    )
    return {"party": party.pk, "name": "某某餐厅", "address": "中山东路 20 号", "lon": at[0], "lat": at[1]}


def test_an_officer_registers_a_shop_and_records_its_pledge_and_reads_its_record(tiny_city):
    client = client_for(tiny_city, "officer")
    with time_machine.travel(local(2026, 3, 1, 10, 0), tick=False):
        shop = client.post(f"{URL}shops/", shop_body(), format="json")
        assert shop.status_code == 201, shop.json()
        assert shop.json()["community_code"] == "330203001001"
        pledge = client.post(
            f"{URL}shops/{shop.json()['id']}/pledges/",
            {
                "area_description": "门前人行道",
                "signed_on": "2026-03-01",
                "valid_until": "2027-02-28",
                "signatory": "李经理",
                "duty_greenery": False,
            },
            format="json",
        )
    assert pledge.status_code == 201, pledge.json()
    assert pledge.json()["duties"] == ["appearance", "sanitation", "order"]
    report(tiny_city, IN_FRONT, local(2026, 5, 6, 9, 0))
    record = client.get(
        f"{URL}pledges/{pledge.json()['id']}/record/", {"start": "2026-05-01", "end": "2026-05-31"}
    )
    assert record.status_code == 200
    assert record.json()["case_count"] == 1
    ranking = client.get(f"{URL}shops/ranking/", {"start": "2026-05-01", "end": "2026-05-31"})
    assert [(r["name"], r["breaches"]) for r in ranking.json()["results"]] == [("某某餐厅", 1)]


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 403), ("inspector", 403), ("citizen", 403), (None, 401)]
)
def test_who_may_not_register_a_shop_here(tiny_city, who, status):
    response = client_for(tiny_city, who).post(f"{URL}shops/", shop_body(), format="json")
    assert response.status_code == status
    assert not Shop.objects.exists()


def test_a_shop_outside_the_city_is_refused(tiny_city):
    response = client_for(tiny_city, "officer").post(
        f"{URL}shops/", shop_body(at=(122.5, 29.5)), format="json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("citizen", 404), ("department", 403)])
def test_who_may_not_see_a_shop_or_its_pledge_record(tiny_city, who, status):
    shop, pledge = shop_with_pledge(tiny_city)
    client = client_for(tiny_city, who)
    assert client.get(f"{URL}shops/{shop.pk}/").status_code == status
    assert client.get(f"{URL}pledges/{pledge.pk}/record/").status_code == status
    assert client.get(f"{URL}shops/").json()["results"] == []


@pytest.mark.parametrize("who", ["outsider", "inspector"])
def test_who_may_not_record_a_pledge(tiny_city, who):
    shop, _ = shop_with_pledge(tiny_city)
    response = client_for(tiny_city, who).post(
        f"{URL}shops/{shop.pk}/pledges/",
        {"area_description": "x", "signed_on": "2028-03-01", "valid_until": "2029-02-28", "signatory": "y"},
        format="json",
    )
    assert response.status_code == 403


def test_the_inspector_of_the_place_and_the_leader_see_the_shop(tiny_city):
    shop, _ = shop_with_pledge(tiny_city)
    for who in ("inspector", "leader", "squadron_leader"):
        assert client_for(tiny_city, who).get(f"{URL}shops/{shop.pk}/").status_code == 200


def test_a_pledge_valid_until_before_it_was_signed_is_refused(tiny_city):
    client = client_for(tiny_city, "officer")
    with time_machine.travel(local(2026, 3, 1, 10, 0), tick=False):
        created = client.post(f"{URL}shops/", shop_body(), format="json").json()
        response = client.post(
            f"{URL}shops/{created['id']}/pledges/",
            {
                "area_description": "x",
                "signed_on": "2026-03-01",
                "valid_until": "2026-02-01",
                "signatory": "y",
            },
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["field"] == "valid_until"


def test_a_window_starting_after_it_ends_is_refused(tiny_city):
    _shop, pledge = shop_with_pledge(tiny_city)
    response = client_for(tiny_city, "officer").get(
        f"{URL}pledges/{pledge.pk}/record/", {"start": "2026-06-01", "end": "2026-05-01"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "start"
