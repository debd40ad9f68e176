"""Fixtures shared by every test suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chengguan.core.testing import TinyCity, build_tiny_city
from chengguan.geo.locate import invalidate_index


@pytest.fixture
def tiny_city(db: None) -> TinyCity:
    """A two-district city with one actor per role, an outsider officer and a citizen (see core/testing.py)."""
    return build_tiny_city()


@pytest.fixture
def admin_client(client: Any, tiny_city: TinyCity) -> Any:
    """A client logged in as the tiny city's administrator (role admin, not a superuser)."""
    client.force_login(tiny_city.users["admin"])
    return client


@pytest.fixture(autouse=True)
def _fresh_locate_index() -> Iterator[None]:
    """Every test starts with no locate index cached in the process.

    Tests roll their database back, so the territory version number can come round again with
    other geometry; the per-process cache must not carry a territory from one test to the next.
    """
    invalidate_index()
    yield
    invalidate_index()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly costs ~100 ms a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
