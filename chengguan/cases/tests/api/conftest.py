"""Shared set-up of the API tests: one logged-in client per role, and a helper that files a report.

Points of the tiny city (core/testing.py):

* ``WEST``: inside grid 330203001001001 (west squadron CG-SQ1, inspector ``inspector``);
* ``EAST``: inside grid 330212001001001 (east squadron CG-SQ2, the ``outsider``'s);
* ``OUTSIDE``: in the sea, no grid.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from chengguan.cases.models import Case
from chengguan.core.testing import TinyCity

WEST = (121.535, 29.875)
WEST_2 = (121.545, 29.865)
EAST = (121.565, 29.865)
OUTSIDE = (122.5, 29.5)
# an event handled by the squadron of the place, and a component handled by the water department
STREET_VENDING = "event:0504"
MANHOLE = "component:0101"

Clients = Callable[..., APIClient]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_user(tiny_city: TinyCity) -> Clients:
    """``as_user("dispatcher")`` → an API client authenticated as that tiny-city user;
    ``as_user(None)`` → an anonymous client."""

    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            client.force_authenticate(tiny_city.users[username])
        return client

    return make


def jpeg(
    color: str = "green", size: tuple[int, int] = (64, 48), name: str = "after.jpg"
) -> SimpleUploadedFile:
    """A small real JPEG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report_body(**overrides: Any) -> dict[str, Any]:
    lon, lat = overrides.pop("at", WEST)
    body: dict[str, Any] = {
        "source": "inspector",
        "category": STREET_VENDING,
        "lon": lon,
        "lat": lat,
        "description": "占道经营：水果摊占用人行道",
        "address": "中山东路 1 号",
        "reporter_name": "王监督",
        "reporter_phone": "13800000000",
        "reporter_email": "wang@example.org",
    }
    body.update(overrides)
    return body


@pytest.fixture
def file_report(as_user: Clients) -> Callable[..., dict[str, Any]]:
    """File a report through the API (as the inspector unless told) and return the case JSON."""

    def file(username: str | None = "inspector", **overrides: Any) -> dict[str, Any]:
        response = as_user(username).post("/api/v1/cases/", report_body(**overrides), format="json")
        assert response.status_code == 201, response.json()
        return response.json()["case"]

    return file


def case_state(case_id: int) -> tuple[str, int]:
    """(state, version) straight from the database."""
    case = Case.objects.get(pk=case_id)
    return case.state, case.version
