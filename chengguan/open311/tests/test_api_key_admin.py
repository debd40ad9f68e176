"""API keys are issued and switched off in the admin, by administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chengguan.core.testing import TinyCity
from chengguan.open311.models import ApiKey
from chengguan.open311.tests.conftest import Open311Client, check_errors, report

ADD = "/admin/open311/apikey/add/"
LIST = "/admin/open311/apikey/"


def test_an_administrator_issues_a_key_that_works_at_once(tiny_city: TinyCity, o311: Open311Client) -> None:
    client = Client()
    client.force_login(tiny_city.users["admin"])

    response = client.post(
        ADD, {"name": "宁波通 App", "owner_contact": "ops@nbt.example", "active": "on", "rate_limit": "50"}
    )

    assert response.status_code == 302, response.content[:500]
    key = ApiKey.objects.get(name="宁波通 App")
    assert len(key.key) >= 32
    assert key.rate_limit == 50
    assert o311.post("json", report(key)).status == 200
    assert "宁波通 App" in client.get(LIST).content.decode()


def test_a_switched_off_key_is_refused(tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey) -> None:
    client = Client()
    client.force_login(tiny_city.users["admin"])

    client.post(LIST, {"action": "deactivate", "_selected_action": [api_key.pk]})

    api_key.refresh_from_db()
    assert api_key.active is False
    check_errors(o311.post("json", report(api_key)), 403)


@pytest.mark.parametrize("username", ["dispatcher", "operator"])
def test_other_staff_may_not_issue_keys(tiny_city: TinyCity, username: str) -> None:
    client = Client()
    client.force_login(tiny_city.users[username])

    response = client.post(ADD, {"name": "x", "owner_contact": "y", "active": "on"})

    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_a_key_may_not_file_as_a_staff_account(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["admin"])

    response: Any = client.post(
        ADD, {"name": "x", "owner_contact": "y", "active": "on", "user": tiny_city.users["inspector"].pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
    assert not ApiKey.objects.exists()
