"""The camera-analytics webhook (HMAC-signed multipart), called through a request factory."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import RequestFactory, override_settings
from django.test.client import MULTIPART_CONTENT, encode_multipart

from chengguan.cases.models import Case
from chengguan.cases.tests.builders import MONDAY, OUTSIDE, WEST, photo
from chengguan.cases.views import camera_intake, sign
from chengguan.core.testing import TinyCity

SECRET = "s3cret"


@pytest.fixture(autouse=True)
def _monday() -> Any:
    """Monday 09:00, twenty minutes after the detections were captured."""
    with time_machine.travel(MONDAY, tick=False):
        yield


BOUNDARY = "BoUnDaRy"


def _post(fields: dict[str, Any], *, secret: str | None = SECRET, signature: str | None = None) -> Any:
    body = encode_multipart(BOUNDARY, fields)
    headers = {}
    if secret is not None or signature is not None:
        headers["HTTP_X_CHENGGUAN_SIGNATURE"] = signature or "sha256=" + sign(body, secret or "")
    request = RequestFactory().generic(
        "POST",
        "/api/v1/intake/camera/",
        body,
        content_type=f"{MULTIPART_CONTENT}; boundary={BOUNDARY}",
        **headers,
    )
    return camera_intake(request)


def _fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "camera": "CAM-0042",
        "category": "0504",
        "lon": str(WEST[0]),
        "lat": str(WEST[1]),
        "captured_at": "2026-11-23T08:40:00+08:00",
        "event_id": "det-1",
        "snapshot": photo("snapshot.jpg"),
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


@override_settings(CAMERA_WEBHOOK_SECRET=SECRET)
def test_a_signed_detection_becomes_a_case(tiny_city: TinyCity) -> None:
    response = _post(_fields())

    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.source, case.category.code, case.reporter) == ("camera", "0504", None)
    assert case.suggested_unit == tiny_city.units["west"]


@override_settings(CAMERA_WEBHOOK_SECRET=SECRET)
def test_the_same_detection_sent_twice_is_one_case(tiny_city: TinyCity) -> None:
    _post(_fields())

    response = _post(_fields())

    assert response.status_code == 200
    assert Case.objects.count() == 1


@override_settings(CAMERA_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, "nonsense"])
def test_a_bad_signature_is_refused(tiny_city: TinyCity, signature: str) -> None:
    response = _post(_fields(), signature=signature)

    assert response.status_code == 403
    assert not Case.objects.exists()


@override_settings(CAMERA_WEBHOOK_SECRET="")
def test_without_a_configured_secret_every_call_is_refused(tiny_city: TinyCity) -> None:
    response = _post(_fields(), secret="")

    assert response.status_code == 403


@override_settings(CAMERA_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lon": "abc"}, "lon"),
        ({"category": "zz"}, "category"),
        ({"category": "9999"}, "category"),
        ({"captured_at": "yesterday"}, "captured_at"),
        ({"camera": None}, "camera"),
        ({"snapshot": None}, "snapshot"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(tiny_city: TinyCity, overrides: dict, field: str) -> None:
    response = _post(_fields(**overrides))

    assert response.status_code == 400
    assert json.loads(response.content)["field"] == field


@override_settings(CAMERA_WEBHOOK_SECRET=SECRET)
def test_a_point_outside_the_city_is_refused(tiny_city: TinyCity) -> None:
    response = _post(_fields(lon=str(OUTSIDE[0]), lat=str(OUTSIDE[1])))

    assert response.status_code == 422
    assert not Case.objects.exists()
