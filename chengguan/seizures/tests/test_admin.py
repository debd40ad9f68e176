"""Admin pages of seizures: read-only, inside the viewer's territory."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from chengguan.seizures.tests.conftest import seize

pytestmark = pytest.mark.django_db


def test_the_leader_sees_the_seizure_and_cannot_change_it(city, violation, client):
    seizure = seize(city, violation)
    client.force_login(city.users["leader"])
    assert client.get("/admin/seizures/seizure/").status_code == 200
    page = client.get(f"/admin/seizures/seizure/{seizure.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_staff_outside_the_territory_see_no_seizure(city, violation, client):
    seize(city, violation)
    outsider = city.users["outsider"]
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    outsider.user_permissions.add(Permission.objects.get(codename="view_seizure"))
    client.force_login(outsider)
    page = client.get("/admin/seizures/seizure/")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == []


def test_staff_without_the_role_are_refused(city, violation, client):
    client.force_login(city.users["operator"])
    assert client.get("/admin/seizures/seizure/").status_code == 403
