"""Fixtures shared by every test suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chengguan.core.testing import TinyCity, build_tiny_city, in_english  # noqa: F401  (fixture)
from chengguan.geo.locate import invalidate_index
from chengguan.workdays.calendar import clear_calendar_cache


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
def _fresh_process_caches() -> Iterator[None]:
    """Every test starts with no locate index and no working-day calendar cached in the process.

    Tests roll their database back, so version stamps can come round again with other data; the
    per-process caches must not carry one test's territory or holidays into the next.
    """
    invalidate_index()
    clear_calendar_cache()
    yield
    invalidate_index()
    clear_calendar_cache()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly costs ~100 ms a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
