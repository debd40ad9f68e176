"""Fixtures of the staff web tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from chengguan.core.testing import TinyCity, build_tiny_city


def _run_data_migrations() -> None:
    """Write again the rows the data migrations wrote (role groups, catalog, policies, head rows)."""
    loader = MigrationLoader(connection)
    editor = SimpleNamespace(connection=connection)
    for key in sorted(loader.disk_migrations):
        if key[0] not in {"org", "catalog", "cases", "audit", "evaluation", "geo", "workdays"}:
            continue
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, editor)


@pytest.fixture
def browser_city(transactional_db: None) -> TinyCity:
    """The tiny city for tests on the live server. Those tests run in transactional mode, whose flush
    removes the rows of the data migrations for the tests after it; they are written again first."""
    if not Group.objects.exists():
        _run_data_migrations()
    return build_tiny_city()
