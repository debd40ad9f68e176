"""Citizens may make an account (the citizen role) to see their reports; anonymous reports work too."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from chengguan.core.testing import TinyCity
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.portal.tests.conftest import portal_report

pytestmark = pytest.mark.django_db


def test_sign_up_gives_the_citizen_role_and_signs_in(client: Client, tiny_city: TinyCity) -> None:
    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "xiaoming",
            "name": "小明",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="xiaoming")
    assert user.role_names == {Role.CITIZEN}
    assert not user.is_staff
    assert client.get("/en/my/").status_code == 200


def test_my_reports_lists_only_my_own(client: Client, tiny_city: TinyCity) -> None:
    mine = portal_report(tiny_city.users["citizen"]).case
    other = portal_report().case
    client.force_login(tiny_city.users["citizen"])
    html = client.get("/en/my/").content.decode()
    assert mine.number in html and other.number not in html


def test_my_reports_needs_a_sign_in(client: Client, tiny_city: TinyCity) -> None:
    response = client.get("/en/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@override_settings(PORTAL_RATE_LIMITS={"signup": "1/hour"})
def test_sign_ups_are_rate_limited(client: Client, tiny_city: TinyCity) -> None:
    body = {"username": "a1", "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026"}
    assert client.post("/en/accounts/signup/", body).status_code == 302
    client.logout()
    response = client.post("/en/accounts/signup/", {**body, "username": "a2"})
    assert response.status_code == 429
    assert not User.objects.filter(username="a2").exists()


def test_the_home_page_is_the_portal_in_both_languages(client: Client, tiny_city: TinyCity) -> None:
    assert "Report a problem" in client.get("/en/").content.decode()
    response = client.get("/")
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()
