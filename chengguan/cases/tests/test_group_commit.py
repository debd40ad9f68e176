"""Group commit: reports arriving while a batch is written are stored together, and one bad
report in a batch never fails the others."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from chengguan.audit.verification import verify_chain
from chengguan.cases import intake
from chengguan.cases.group_commit import GroupCommitter
from chengguan.cases.models import Case
from chengguan.cases.tests.api.conftest import WEST, WEST_2
from chengguan.cases.tests.test_concurrent_transitions import seeded  # noqa: F401  (fixture)
from chengguan.core.testing import TinyCity


def _wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.001)


def _run_concurrently(committer: GroupCommitter, hold: threading.Event, items: list[Any]) -> dict[Any, Any]:
    """Submit ``items[0]`` first (its batch waits for ``hold``), then the rest while it waits."""
    results: dict[Any, Any] = {}

    def submit(item: Any) -> None:
        try:
            results[item] = committer.submit(item)
        except Exception as exc:
            results[item] = exc

    first = threading.Thread(target=submit, args=(items[0],))
    first.start()
    _wait_for(lambda: committer._writing)
    others = [threading.Thread(target=submit, args=(item,)) for item in items[1:]]
    for thread in others:
        thread.start()
    _wait_for(lambda: len(committer._queue) == len(items) - 1)
    hold.set()
    for thread in [first, *others]:
        thread.join(5)
    return results


def test_reports_queued_during_a_write_are_stored_in_one_batch() -> None:
    hold, batches = threading.Event(), []

    def store_many(items: Any) -> list[Any]:
        if not batches:
            hold.wait(5)
        batches.append(list(items))
        return [f"case of {item}" for item in items]

    committer = GroupCommitter(store_many, store_one=lambda item: pytest.fail("no retry expected"))
    results = _run_concurrently(committer, hold, ["a", "b", "c", "d"])
    assert results == {item: f"case of {item}" for item in "abcd"}
    assert batches[0] == ["a"]
    assert sorted(batches[1]) == ["b", "c", "d"]
    assert (committer.batches, committer.reports) == (2, 4)
    assert not committer._writing


def test_a_failing_batch_is_stored_one_by_one_and_only_the_bad_report_fails() -> None:
    hold = threading.Event()

    def store_many(items: Any) -> list[Any]:
        hold.wait(5)
        if "bad" in items:
            raise ValueError("batch refused")
        return [f"case of {item}" for item in items]

    def store_one(item: Any) -> Any:
        if item == "bad":
            raise ValueError("bad report")
        return f"alone: {item}"

    committer = GroupCommitter(store_many, store_one)
    results = _run_concurrently(committer, hold, ["first", "x", "bad", "y"])
    assert results["first"] == "case of first"
    assert results["x"] == "alone: x" and results["y"] == "alone: y"
    assert isinstance(results["bad"], ValueError) and str(results["bad"]) == "bad report"


def test_the_batch_size_is_capped() -> None:
    hold, batches = threading.Event(), []

    def store_many(items: Any) -> list[Any]:
        if not batches:
            hold.wait(5)
        batches.append(list(items))
        return list(items)

    committer = GroupCommitter(store_many, store_one=lambda item: item, max_batch=2)
    results = _run_concurrently(committer, hold, [1, 2, 3, 4, 5])
    assert results == {n: n for n in range(1, 6)}
    assert [len(b) for b in batches] == [1, 2, 2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded")
def test_a_batch_of_reports_gets_consecutive_numbers_events_and_one_audit_chain(tiny_city: TinyCity) -> None:
    inspector = tiny_city.users["inspector"]
    prepared = [
        intake.prepare_report(
            actor=inspector, source="inspector", category="event:0504", lon=lon, lat=lat, description=f"#{i}"
        )
        for i, (lon, lat) in enumerate([WEST, WEST_2, WEST])
    ]
    cases = intake.store_reports(prepared)
    numbers = [case.number for case in cases]
    assert [int(n[-5:]) for n in numbers] == [1, 2, 3]
    assert [c.description for c in Case.objects.order_by("number")] == ["#0", "#1", "#2"]
    for case in cases:
        assert [e.action for e in case.events.all()] == ["reported"]
        assert case.register_due is not None
    assert verify_chain().ok
    connection.close()
