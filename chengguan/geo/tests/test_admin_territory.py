"""Staff who may look at the territory in the admin see only their own part of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from chengguan.core.testing import EAST_DISTRICT, WEST_DISTRICT, TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_officer(tiny_city: TinyCity):  # type: ignore[no-untyped-def]
    """The west squadron's officer, made staff and given the right to view grids and divisions."""
    officer = tiny_city.users["officer"]
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_grid", "view_division"]),
    )
    return officer


def test_the_grid_list_shows_only_the_officers_territory(client, tiny_city: TinyCity, staff_officer) -> None:
    client.force_login(staff_officer)

    response = client.get(reverse("admin:geo_grid_changelist"))

    assert response.status_code == 200
    shown = {g.code for g in response.context["cl"].result_list}
    assert shown == {c for c in tiny_city.grids if c.startswith(WEST_DISTRICT)}


def test_a_grid_outside_the_territory_cannot_be_opened(client, tiny_city: TinyCity, staff_officer) -> None:
    client.force_login(staff_officer)
    east_grid = tiny_city.grids[EAST_DISTRICT + "001001001"]

    response = client.get(reverse("admin:geo_grid_change", args=[east_grid.pk]), follow=False)

    # the admin answers "does not exist" for rows outside the queryset
    assert response.status_code == 302
    assert reverse("admin:index") in response["Location"]


def test_the_division_list_is_narrowed_to_the_territory(client, tiny_city: TinyCity, staff_officer) -> None:
    client.force_login(staff_officer)

    response = client.get(reverse("admin:org_division_changelist"))

    shown = {d.code for d in response.context["cl"].result_list}
    assert shown == {WEST_DISTRICT + "001", WEST_DISTRICT + "001001"}


def test_an_administrator_still_sees_the_whole_city(client, tiny_city: TinyCity) -> None:
    admin = tiny_city.users["admin"]
    client.force_login(admin)

    response = client.get(reverse("admin:geo_grid_changelist"))

    assert {g.code for g in response.context["cl"].result_list} == set(tiny_city.grids)
