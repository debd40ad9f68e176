"""The machine interfaces answer in the language the client asks for; pages go by their path."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_answers_in_chinese_by_default(client: Any) -> None:
    response = client.get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert "身份" in response.json()["message"] or "认证" in response.json()["message"]


def test_the_api_answers_in_english_when_asked(client: Any) -> None:
    response = client.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "credentials" in response.json()["message"].lower()


def test_open311_answers_in_english_when_asked(client: Any) -> None:
    response = client.get("/open311/v2/services/nothing.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_pages_go_by_their_path_not_the_header(client: Any) -> None:
    assert client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"
    assert client.get("/en/admin/login/")["Content-Language"] == "en"
