"""Two people act on the same case at the same moment: exactly one wins, the other gets a conflict."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import OperationalError, connection

from chengguan.audit.models import AuditEntry
from chengguan.cases import workflow
from chengguan.cases.models import CaseEvent, CaseState
from chengguan.cases.tests.builders import registered
from chengguan.core.errors import Conflict
from chengguan.core.testing import TinyCity
from chengguan.org.roles import Role


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The rows of the data migrations (role groups, the catalog), which a transactional test's
    flush removes for the tests after it. (``serialized_rollback`` cannot restore them on
    PostgreSQL: the audit head's trigger refuses the rewrite of its row.)"""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    importlib.import_module("chengguan.catalog.migrations.0002_seed_catalog").seed(apps, None)


def _shared_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _attempt(call: Callable[[], Any]) -> Any:
    """``call()``; on the in-memory SQLite test database, waits out its table locks.

    That database is shared between threads through SQLite's shared cache, whose locks fail at once
    ("database table is locked") instead of waiting for the busy timeout as a database file does
    (set SQLITE_TEST_NAME to run on a file). Retrying stands in for the busy timeout; a failed
    attempt wrote nothing (its transaction never began).
    """
    while True:
        try:
            return call()
        except OperationalError as exc:
            if not (_shared_memory_sqlite() and "locked" in str(exc)):
                raise
            time.sleep(0.001)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads (each with its own database connection), started together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = _attempt(call)
        except Exception as exc:  # the outcome is checked by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_one_wins_and_the_other_gets_a_conflict(
    seeded: None, tiny_city: TinyCity
) -> None:
    # given a registered case both dispatchers see at version 2
    case = registered(tiny_city)
    dispatcher = tiny_city.users["dispatcher"]
    west, water = tiny_city.units["west"].pk, tiny_city.units["water"].pk

    # when both dispatch it at the same moment, to different units
    outcomes = _race(
        lambda: workflow.dispatch(case.pk, actor=dispatcher, version=2, unit=west),
        lambda: workflow.dispatch(case.pk, actor=dispatcher, version=2, unit=water),
    )

    # then exactly one wins and the other gets a conflict with the current state and version
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1, outcomes
    assert len(conflicts) == 1, outcomes
    assert conflicts[0].http_status == 409
    assert (conflicts[0].details["state"], conflicts[0].details["version"]) == (CaseState.DISPATCHED, 3)
    assert CaseEvent.objects.filter(case_id=case.pk, action="dispatched").count() == 1
    assert AuditEntry.objects.filter(action="case.dispatch", target_id=str(case.pk)).count() == 1
    case.refresh_from_db()
    assert case.version == 3
    assert case.assigned_unit_id == wins[0].assigned_unit_id


@pytest.mark.django_db(transaction=True)
def test_a_cancel_and_a_dispatch_at_once_leave_one_outcome(seeded: None, tiny_city: TinyCity) -> None:
    case = registered(tiny_city)

    outcomes = _race(
        lambda: workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=2),
        lambda: workflow.cancel(case.pk, actor=tiny_city.users["operator"], version=2, reason="误报"),
    )

    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    assert (
        CaseEvent.objects.filter(case_id=case.pk).exclude(action__in=["reported", "registered"]).count() == 1
    )
