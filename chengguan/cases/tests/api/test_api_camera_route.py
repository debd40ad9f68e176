"""POST /api/v1/intake/camera/ is routed to the camera webhook (HMAC-signed; tested in cases/tests)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from chengguan.cases.tests.api.conftest import Clients


def test_an_unsigned_camera_post_is_refused_by_the_webhook(as_user: Clients, tiny_city: Any) -> None:
    assert reverse("api:camera_webhook") == "/api/v1/intake/camera/"
    response = as_user(None).post("/api/v1/intake/camera/", {"camera": "CAM-1"}, format="multipart")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"
