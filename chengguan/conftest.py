"""Fixtures shared by every test suite."""

from __future__ import annotations

import pytest

from chengguan.core.testing import TinyCity, build_tiny_city


@pytest.fixture
def tiny_city(db: None) -> TinyCity:
    """A two-district city with one actor per role, an outsider officer and a citizen (see core/testing.py)."""
    return build_tiny_city()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly costs ~100 ms a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
