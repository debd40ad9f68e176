"""Fixtures of the enforcement tests: the tiny city, the bundled legal data, and the extra actors."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from chengguan.core.testing import TinyCity
from chengguan.enforcement.loading import load_bundled_data
from chengguan.enforcement.models import ViolationType
from chengguan.org.models import User
from chengguan.org.roles import Role

WEST = (121.535, 29.875)  # grid 330203001001001, squadron 1 (officer 陈刚)
EAST = (121.555, 29.865)  # grid 330212001001003, squadron 2 (the outsider)


def make_user(username: str, role: str, unit: Any, **kw: Any) -> User:
    user = User.objects.create_user(username=username, password="pw", name=username, unit=unit, **kw)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    load_bundled_data()
    west = tiny_city.units["west"]
    tiny_city.users["auxiliary"] = make_user("auxiliary", Role.AUXILIARY, west)
    tiny_city.users["rookie"] = make_user("rookie", Role.OFFICER, west)  # no enforcement credential
    tiny_city.users["legal_reviewer"] = make_user(
        "legal_reviewer", Role.LEGAL_REVIEWER, tiny_city.units["bureau"], badge_number="33020100"
    )
    return tiny_city


@pytest.fixture
def vtypes(city: TinyCity) -> dict[str, ViolationType]:
    return {t.code: t for t in ViolationType.objects.all()}


@pytest.fixture
def api(client: Any) -> Any:
    """``api(user)`` → a DRF-style JSON client logged in as ``user`` (None: anonymous)."""
    from rest_framework.test import APIClient

    def login(user: User | None) -> APIClient:
        c = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the tests read reasons in English
        if user is not None:
            c.force_authenticate(user)
        return c

    return login
