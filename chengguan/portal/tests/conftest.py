"""Shared set-up of the portal tests: reports made on the portal and cases driven to closure.

Points of the tiny city (core/testing.py): ``WEST`` in grid 330203001001001 (west squadron, inspector
``inspector``); ``EAST`` in grid 330212001001004 (east squadron); ``NIGHT_MARKET`` inside the vending
zone Z1 (18:00–23:00, grid 330212001001001); ``OUTSIDE`` in the sea.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chengguan.cases import workflow
from chengguan.cases.models import Case
from chengguan.core.testing import TinyCity
from chengguan.portal import services

WEST = (121.535, 29.875)
EAST = (121.565, 29.865)
NIGHT_MARKET = (121.554, 29.8765)
OUTSIDE = (122.5, 29.5)
MANHOLE = "component:0102"  # 污水井盖 → the water department
STREET_VENDING = "event:0504"  # 占道经营 → the squadron of the place


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def jpeg(
    color: str = "green", size: tuple[int, int] = (64, 48), name: str = "photo.jpg"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def portal_report(actor: Any = None, *, at: tuple[float, float] = WEST, **kw: Any) -> services.PortalReceipt:
    kw.setdefault("category", STREET_VENDING)
    kw.setdefault("description", "人行道上有水果摊")
    return services.report_problem(actor=actor, lon=at[0], lat=at[1], **kw)


def handler_of(city: TinyCity, case: Case) -> Any:
    if case.assigned_unit_id == city.units["water"].pk:
        return city.users["department"]
    if case.assigned_unit_id == city.units["east"].pk:
        return city.users["outsider"]
    return city.users["officer"]


def close(city: TinyCity, case: Case) -> Case:
    """Drive a reported case (in the west) through the closed loop to ``closed``."""
    case = workflow.register(case.pk, actor=city.users["operator"], version=case.version)
    case = workflow.dispatch(case.pk, actor=city.users["dispatcher"], version=case.version)
    handler = handler_of(city, case)
    case = workflow.accept(case.pk, actor=handler, version=case.version)
    case = workflow.report_back(case.pk, actor=handler, version=case.version, note="已清理", files=[jpeg()])
    return workflow.verify(case.pk, actor=city.users["inspector"], version=case.version, passed=True)


def _run_data_migrations() -> None:
    """Write again the rows the data migrations wrote (role groups, catalog, policies, head rows):
    the flush of transactional tests removes them."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection)
    editor = SimpleNamespace(connection=connection)
    for key in sorted(loader.disk_migrations):
        if key[0] not in {"org", "catalog", "cases", "audit", "evaluation", "geo", "workdays"}:
            continue
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, editor)


@pytest.fixture
def live_city(transactional_db: None) -> TinyCity:
    """The tiny city for tests on the live server (committed, so the server thread sees it)."""
    from django.contrib.auth.models import Group

    from chengguan.core.testing import build_tiny_city

    if not Group.objects.exists():
        _run_data_migrations()
    return build_tiny_city()
