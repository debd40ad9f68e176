"""Shared set-up of the seizure tests: the tiny city plus a second west officer with enforcement
credentials, a violation of the ledger in the west district, and API clients per role.

Users (core/testing.py and below): ``officer`` and ``officer2`` (west squadron, credentials),
``squadron_leader`` (west, credential), ``outsider`` (east officer, credential), ``leader`` (head of
the bureau), ``inspector``, ``citizen``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from chengguan.core.testing import TinyCity
from chengguan.enforcement.models import EnforcementStep, Party, Violation, ViolationType
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.penalty.models import EnforcementCredential
from chengguan.seizures import workflow
from chengguan.seizures.models import Seizure

CITY = ZoneInfo("Asia/Shanghai")
WEST = (121.535, 29.875)
WEST_GRID = "330203001001001"
EAST = (121.565, 29.865)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def photo(name: str = "oranges.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def city(tiny_city: TinyCity) -> TinyCity:
    users = tiny_city.users
    users["officer2"] = User.objects.create_user(
        username="officer2", password="pw", name="林二", unit=tiny_city.units["west"]
    )
    users["officer2"].groups.add(Group.objects.get(name=Role.OFFICER))
    for n, name in enumerate(("officer", "officer2", "squadron_leader", "outsider"), start=1):
        EnforcementCredential.objects.create(
            user=users[name],
            number=f"ZF-3302-{n:04d}",
            valid_from=dt.date(2020, 1, 1),
            valid_until=dt.date(2030, 12, 31),
        )
    return tiny_city


def make_violation(city: TinyCity, *, at: tuple[float, float] = WEST, grid: str = WEST_GRID) -> Violation:
    vtype, _ = ViolationType.objects.get_or_create(code="street-occupation", defaults={"name": "占道经营"})
    party = Party.objects.create(kind="person", name="周某", phone="13800000002")
    return Violation.objects.create(
        party=party,
        violation_type=vtype,
        occurred_at=local(2026, 8, 31, 19, 0),
        lon=at[0],
        lat=at[1],
        address="中山东路 8 号",
        grid_code=grid,
        district_code=grid[:6],
        description="在主干道占道销售水果，拒不停止",
        officer=city.users["officer"],
        proposed_step=EnforcementStep.PROCEEDINGS,
        chosen_step=EnforcementStep.PROCEEDINGS,
    )


@pytest.fixture
def violation(city: TinyCity) -> Violation:
    return make_violation(city)


def seize(city: TinyCity, violation: Violation, at: dt.datetime | None = None, **kw: Any) -> Seizure:
    """A seizure of 3 crates of oranges and a cart, decided by the two west officers."""
    u = city.users
    with time_machine.travel(at or local(2026, 9, 1, 10, 0), tick=False):
        return workflow.create_seizure(
            violation,
            actor=kw.pop("actor", u["officer"]),
            reason=kw.pop("reason", "拒不停止占道经营，需扣押涉案物品"),
            legal_basis=kw.pop("legal_basis", "《城市市容和环境卫生管理条例》第十七条"),
            storage_place=kw.pop("storage_place", "鼓楼中队暂扣物品仓库"),
            officers=kw.pop("officers", [u["officer"].pk, u["officer2"].pk]),
            approved_by=kw.pop("approved_by", u["squadron_leader"]),
            items=kw.pop(
                "items",
                [
                    {"name": "橙子", "quantity": "3", "unit": "箱", "condition": "完好"},
                    {"name": "手推车", "quantity": "1", "unit": "辆", "condition": "旧，左轮破损"},
                ],
            ),
            **kw,
        )


Clients = Callable[[str | None], APIClient]


@pytest.fixture
def as_user(city: TinyCity) -> Clients:
    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            client.force_authenticate(city.users[username])
        return client

    return make
