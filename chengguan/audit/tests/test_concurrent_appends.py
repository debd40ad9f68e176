"""Two processes appending at once never fork the chain or repeat a number."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from chengguan.audit.models import AuditEntry
from chengguan.audit.services import record
from chengguan.audit.verification import verify_chain

PER_WRITER = 40


def _shared_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _append(name: str, i: int) -> None:
    """One transaction that records one entry, as a workflow function would."""
    while True:
        try:
            with transaction.atomic():
                record("case.registered", actor=None, target=("cases.case", f"{name}-{i}"), payload={"i": i})
            return
        except OperationalError as exc:
            # The default SQLite test database lives in memory, shared between threads through
            # SQLite's shared cache, whose locks fail at once ("database table is locked") instead
            # of waiting for the busy timeout as a database file does (SQLITE_TEST_NAME=… to run
            # this test on a file). Waiting here stands in for the busy timeout; nothing else does.
            if not (_shared_memory_sqlite() and "locked" in str(exc)):
                raise
            time.sleep(0.001)


def _writer(name: str, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for i in range(PER_WRITER):
            _append(name, i)
    except BaseException as exc:  # reported to the test's thread
        errors.append(exc)
    finally:
        connection.close()  # each thread has its own connection


@pytest.mark.django_db(transaction=True)
def test_two_writers_build_one_linear_chain() -> None:
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(name, start, errors)) for name in ("a", "b")]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * PER_WRITER + 1))
    targets = set(AuditEntry.objects.values_list("target_id", flat=True))
    assert len(targets) == 2 * PER_WRITER
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 2 * PER_WRITER)
