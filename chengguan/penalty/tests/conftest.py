"""Shared set-up of the penalty tests: the tiny city plus a second west officer, two legal reviewers,
enforcement credentials, a violation of the ledger, API clients per role and a small WAV recording.

Users (core/testing.py and below): ``officer`` and ``officer2`` (west squadron, credentials),
``squadron_leader`` (west, credential), ``outsider`` (east officer, credential), ``reviewer`` and
``host`` (legal reviewers of the bureau), ``leader``, ``inspector``, ``citizen``.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chengguan.core.testing import TinyCity
from chengguan.enforcement.models import EnforcementStep, LegalProvision, Party, Violation, ViolationType
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.penalty.models import EnforcementCredential

CITY = ZoneInfo("Asia/Shanghai")
WEST = (121.535, 29.875)
WEST_GRID = "330203001001001"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def wav(name: str = "bodycam.wav") -> SimpleUploadedFile:
    """A tiny real WAV file (RIFF header + silence): an audio record of the enforcement."""
    data = b"\x00\x00" * 800
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    header += b"data" + struct.pack("<I", len(data))
    return SimpleUploadedFile(name, header + data, content_type="audio/wav")


def _user(username: str, role: Role, unit: Any) -> User:
    user = User.objects.create_user(username=username, password="pw", name=username, unit=unit)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    users = tiny_city.users
    users["officer2"] = _user("officer2", Role.OFFICER, tiny_city.units["west"])
    users["reviewer"] = _user("reviewer", Role.LEGAL_REVIEWER, tiny_city.units["bureau"])
    users["host"] = _user("host", Role.LEGAL_REVIEWER, tiny_city.units["bureau"])
    for n, name in enumerate(("officer", "officer2", "squadron_leader", "outsider"), start=1):
        EnforcementCredential.objects.create(
            user=users[name],
            number=f"ZF-3302-{n:04d}",
            valid_from=dt.date(2020, 1, 1),
            valid_until=dt.date(2030, 12, 31),
        )
    return tiny_city


def make_violation(
    city: TinyCity, *, kind: str = "person", occurred_at: dt.datetime | None = None
) -> Violation:
    provision, _ = LegalProvision.objects.get_or_create(
        code="city-appearance-17",
        defaults={"law_name": "《城市市容和环境卫生管理条例》", "article": "第十七条", "text": "……"},
    )
    vtype, _ = ViolationType.objects.get_or_create(code="street-occupation", defaults={"name": "占道经营"})
    vtype.provisions.add(provision)
    party = Party.objects.create(
        kind=kind, name="刘某" if kind == "person" else "某某有限公司", phone="13800000001"
    )
    return Violation.objects.create(
        party=party,
        violation_type=vtype,
        occurred_at=occurred_at or local(2026, 9, 20, 19, 0),
        lon=WEST[0],
        lat=WEST[1],
        address="中山东路 1 号",
        grid_code=WEST_GRID,
        district_code="330203",
        description="占用人行道经营水果",
        officer=city.users["officer"],
        proposed_step=EnforcementStep.PROCEEDINGS,
        chosen_step=EnforcementStep.PROCEEDINGS,
    )


@pytest.fixture
def violation(city: TinyCity) -> Violation:
    return make_violation(city)


Clients = Callable[[str | None], APIClient]


@pytest.fixture
def as_user(city: TinyCity) -> Clients:
    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            client.force_authenticate(city.users[username])
        return client

    return make
