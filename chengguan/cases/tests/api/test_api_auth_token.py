"""POST /api/v1/auth/token/: API clients trade a username and password for a token."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient


def test_a_user_obtains_a_token_and_uses_it(tiny_city: Any) -> None:
    # when
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "dispatcher", "password": "pw-dispatcher"})
    # then
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_a_wrong_password_gets_a_400(tiny_city: Any) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "dispatcher", "password": "guess"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_bad_token_gets_a_json_refusal(tiny_city: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = client.get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"
