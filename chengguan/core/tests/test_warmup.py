"""A server worker does its one-time work (imports, the locate index) before its first request."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from chengguan.core import warmup
from chengguan.core.testing import TinyCity
from chengguan.geo import locate

pytestmark = pytest.mark.django_db


def test_a_worker_builds_its_locate_index_before_its_first_request(tiny_city: TinyCity) -> None:
    locate.invalidate_index()
    assert warmup.warm_up() is True
    assert locate._cache.index is not None and not locate._cache.dirty


def test_a_database_not_ready_does_not_stop_the_worker(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreadable() -> None:
        raise DatabaseError("no such table: geo_grid")

    monkeypatch.setattr(locate, "get_index", unreadable)
    assert warmup.warm_up() is False
    assert "built on first use" in caplog.text
