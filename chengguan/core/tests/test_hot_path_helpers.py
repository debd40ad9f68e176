"""The helpers of intake's hot path: configuration memos, ``insert_many`` and the SQLite writer lock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from chengguan.cases import intake
from chengguan.cases.models import Case, CaseEvent
from chengguan.catalog.models import Step, TimeLimit, TimeUnit, Urgency
from chengguan.core import dblock
from chengguan.core.bulk import insert_many
from chengguan.core.memo import ConfigMemo, clear_all_memos
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db

WEST = (121.535, 29.875)


# --- ConfigMemo ----------------------------------------------------------------------------------------


def test_a_memo_loads_once_and_forgets_when_a_watched_row_is_saved(tiny_city: TinyCity) -> None:
    memo = ConfigMemo("test.limits", [TimeLimit])
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return TimeLimit.objects.count()

    assert memo.get("n", load) == memo.get("n", load)
    assert len(calls) == 1
    TimeLimit.objects.first().save()  # type: ignore[union-attr]
    memo.get("n", load)
    assert len(calls) == 2


def test_a_memo_forgets_after_its_time_to_live(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CONFIG_MEMO_TTL_S = 2.0  # type: ignore[attr-defined]
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    memo = ConfigMemo("test.ttl")
    values = iter(range(10))
    first = memo.get("k", lambda: next(values))
    now[0] += 1.9
    assert memo.get("k", lambda: next(values)) == first
    now[0] += 0.2
    assert memo.get("k", lambda: next(values)) != first


def test_a_time_to_live_of_zero_turns_memos_off(settings: object) -> None:
    settings.CONFIG_MEMO_TTL_S = 0  # type: ignore[attr-defined]
    memo = ConfigMemo("test.off")
    values = iter(range(10))
    assert [memo.get("k", lambda: next(values)) for _ in range(3)] == [0, 1, 2]
    assert memo.loads == 3


def test_an_edited_time_limit_counts_for_the_next_report_at_once(tiny_city: TinyCity) -> None:
    # given: a report warms the memo with the category's registration limit
    inspector = tiny_city.users["inspector"]
    category = intake.resolve_category("event:0504")
    first = intake.prepare_report(
        actor=inspector, source="inspector", category=category, lon=WEST[0], lat=WEST[1]
    )
    # when: the limit is edited (as in the admin)
    limit = TimeLimit.objects.get(category=category, step=Step.REGISTER, urgency=Urgency.NORMAL)
    limit.amount, limit.unit = Decimal("3"), TimeUnit.WORKING_DAYS
    limit.save()
    second = intake.prepare_report(
        actor=inspector, source="inspector", category=category, lon=WEST[0], lat=WEST[1]
    )
    # then
    assert second.deadlines["register_due"] - first.deadlines["register_due"] > dt.timedelta(days=1)


def test_a_bulk_edit_is_seen_once_the_memo_has_lived_its_time(
    tiny_city: TinyCity, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CONFIG_MEMO_TTL_S = 2.0  # type: ignore[attr-defined]
    now = [5000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    clear_all_memos()
    category = intake.resolve_category("event:0504")
    assert category.is_active
    type(category).objects.filter(pk=category.pk).update(is_active=False)  # no signal
    assert intake.resolve_category("event:0504").is_active  # remembered …
    now[0] += 2.5
    with pytest.raises(intake.InvalidInput) as refused:  # … for two seconds at most
        intake.resolve_category("event:0504")
    assert refused.value.field == "category"


# --- insert_many ---------------------------------------------------------------------------------------


def test_insert_many_stores_what_bulk_create_stores(tiny_city: TinyCity) -> None:
    # given: two reports prepared, then stored by intake (insert_many) …
    inspector = tiny_city.users["inspector"]
    prepared = [
        intake.prepare_report(
            actor=inspector,
            source="inspector",
            category="event:0504",
            lon=WEST[0],
            lat=WEST[1],
            description=text,
            reporter_name="王",
        )
        for text in ("占道经营", "")
    ]
    stored = intake.store_reports(prepared)
    # … and the same case written by the ORM's bulk_create
    twin = intake._new_case(prepared[0], "TWIN-1")
    Case.objects.bulk_create([twin])
    # then: every column reads back the same (but the keys and numbers)
    fast = Case.objects.get(pk=stored[0].pk)
    slow = Case.objects.get(pk=twin.pk)
    assert [c.pk for c in stored] == sorted(c.pk for c in stored)
    for field in Case._meta.concrete_fields:
        if field.name in {"id", "number", "updated_at", "created_at"}:
            continue
        assert getattr(fast, field.attname) == getattr(slow, field.attname), field.name
    assert fast.register_due is not None and timezone.is_aware(fast.register_due)
    assert fast.updated_at is not None  # auto_now filled
    event = CaseEvent.objects.get(case=fast)
    assert event.payload["location"]["grid"]["code"] == fast.grid_code  # JSON round trip
    assert CaseEvent.objects.get(case=stored[1]).note == ""


def test_insert_many_of_nothing_writes_nothing() -> None:
    assert insert_many([]) == []


def test_insert_many_keeps_decimals_and_nulls(tiny_city: TinyCity) -> None:
    limit = TimeLimit(
        category=intake.resolve_category("component:0101"),
        step=Step.VERIFY,
        urgency=Urgency.URGENT,
        amount=Decimal("1.25"),
        unit=TimeUnit.WORKING_HOURS,
    )
    TimeLimit.objects.filter(category=limit.category, step=Step.VERIFY, urgency=Urgency.URGENT).delete()
    insert_many([limit])
    assert limit.pk is not None
    assert TimeLimit.objects.get(pk=limit.pk).amount == Decimal("1.25")


# --- the SQLite writer lock ----------------------------------------------------------------------------


def test_the_writer_lock_does_nothing_for_a_database_in_memory() -> None:
    if connection.vendor == "sqlite":
        assert connection.is_in_memory_db()
    with dblock.sqlite_write_lock():
        pass
    assert dblock._lock_path("default") is None


def test_the_writer_lock_makes_a_second_process_wait_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_file = tmp_path / "chengguan.sqlite3.write-lock"
    monkeypatch.setattr(dblock, "_lock_path", lambda alias: str(lock_file))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(lock_file)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        with dblock.sqlite_write_lock():
            waited = time.perf_counter() - started
    finally:
        holder.wait(timeout=10)
        for fd in dblock._files.values():
            os.close(fd)
        dblock._files.clear()
    assert 0.3 < waited < 5
