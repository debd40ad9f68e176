"""The demo seed and the admin pages of frontage pledges."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from chengguan.enforcement.models import Party
from chengguan.pledges.demo import seed_demo
from chengguan.pledges.models import Pledge, Shop
from chengguan.pledges.tests.test_pledges import shop_with_pledge

pytestmark = pytest.mark.django_db


def test_the_demo_seed_makes_a_shop_and_pledge_per_business_once(tiny_city):
    Party.objects.create(
        kind="company", name="宁波某某超市有限公司", lon=121.545, lat=29.875, usual_place="中山东路 30 号"
    )
    Party.objects.create(kind="person", name="路人", lon=121.545, lat=29.875)
    assert seed_demo() == 1
    assert seed_demo() == 0
    assert Shop.objects.get().grid_code.startswith("330203")
    assert Pledge.objects.count() == 1


def test_the_admin_lists_only_shops_in_the_viewers_territory(tiny_city, client):
    west_shop, _ = shop_with_pledge(tiny_city)
    east_shop, _ = shop_with_pledge(tiny_city, at=(121.565, 29.865), name="东边小店", by="outsider")
    client.force_login(tiny_city.users["leader"])
    page = client.get("/admin/pledges/shop/")
    assert page.status_code == 200
    assert {s.name for s in page.context["cl"].result_list} == {west_shop.name, east_shop.name}
    # a west squadron leader given the right to look sees the west shop only
    west = tiny_city.users["squadron_leader"]
    west.is_staff = True
    west.save(update_fields=["is_staff"])
    west.user_permissions.add(Permission.objects.get(codename="view_shop"))
    client.force_login(west)
    page = client.get("/admin/pledges/shop/")
    assert page.status_code == 200
    assert [s.name for s in page.context["cl"].result_list] == [west_shop.name]


def test_the_admin_refuses_staff_without_the_role(tiny_city, client):
    shop_with_pledge(tiny_city)
    user = tiny_city.users["operator"]  # staff, neither admin nor leader
    client.force_login(user)
    assert client.get("/admin/pledges/shop/").status_code == 403
