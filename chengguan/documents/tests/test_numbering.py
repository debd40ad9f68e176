"""Numbers run in the bureau's series per kind and year, without gaps or duplicates, even at once."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import OperationalError, connection

from chengguan.core.errors import InvalidInput
from chengguan.documents import services
from chengguan.documents.models import IssuedDocument, SeriesCounter
from chengguan.documents.tests.conftest import record_violation
from chengguan.org.roles import Role

pytestmark = pytest.mark.usefixtures("in_english")

PARTY = {"name": "刘建国"}


def order(violation: Any, officer: Any, **context: Any) -> IssuedDocument:
    return services.issue(
        "rectification_order",
        target=violation,
        context={"party": PARTY, "deadline": "2026年3月5日", **context},
        actor=officer,
    )


def test_numbers_follow_one_another_in_each_series(city, violation) -> None:
    officer = city.users["officer"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        numbers = [order(violation, officer).number for _ in range(3)]
        bundle = services.issue(
            "party_history",
            target=violation.party,
            context={"party": PARTY, "history": {"count": 0}},
            actor=officer,
        )

    assert numbers == [f"甬综执责改字〔2026〕第{n}号" for n in (1, 2, 3)]
    assert bundle.number == "甬综执录字〔2026〕第1号"  # another kind, its own series


def test_a_new_year_starts_again_at_one(city, violation) -> None:
    officer = city.users["officer"]
    # 2026-12-31 23:30 in the city is still 2026; 16:30 UTC on 31 December is 00:30 on 1 January there
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC), tick=False):
        last = order(violation, officer)
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False):
        first = order(violation, officer)

    assert last.number == "甬综执责改字〔2026〕第1号"
    assert first.number == "甬综执责改字〔2027〕第1号"
    assert (first.year, first.seq) == (2027, 1)


def test_a_refused_document_takes_no_number(city, violation) -> None:
    officer = city.users["officer"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        order(violation, officer)
        with pytest.raises(InvalidInput) as refused:
            services.issue("rectification_order", target=violation, context={"party": PARTY}, actor=officer)
        assert refused.value.field == "context.deadline"
        nxt = order(violation, officer)

    assert nxt.number == "甬综执责改字〔2026〕第2号"
    assert SeriesCounter.objects.get(year=2026, series__code="rectification").last == 2


def test_an_empty_reasoning_part_rolls_the_number_back(city, violation) -> None:
    from chengguan.documents.loading import get_template

    officer = city.users["officer"]
    template = get_template("rectification_order")
    template.feeling = "{% if nothing %}x{% endif %}"
    template.save()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(InvalidInput) as refused:
            order(violation, officer)
        assert refused.value.field == "reasoning.feeling"
        assert not SeriesCounter.objects.filter(last__gt=0).exists()
        own_words = order(violation, officer, reasoning={"feeling": "请您理解。"})

    assert own_words.number == "甬综执责改字〔2026〕第1号"
    assert own_words.reasoning_feeling == "请您理解。"


# --- two officers at the same moment -------------------------------------------------------------------


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The rows of the data migrations a transactional test's flush removes (role groups, catalog)."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    importlib.import_module("chengguan.catalog.migrations.0002_seed_catalog").seed(apps, None)


def _attempt(call: Callable[[], Any]) -> Any:
    """``call()``, waiting out the table locks of the shared in-memory SQLite test database (see
    ``chengguan/cases/tests/test_concurrent_transitions.py``)."""
    while True:
        try:
            return call()
        except OperationalError as exc:
            if not (connection.vendor == "sqlite" and connection.is_in_memory_db() and "locked" in str(exc)):
                raise
            time.sleep(0.001)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = _attempt(call)
        except Exception as exc:  # checked by the test
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
def test_two_officers_issuing_at_once_get_two_numbers(seeded, city) -> None:
    from chengguan.documents.loading import load_templates

    load_templates()
    officer, leader = city.users["officer"], city.users["squadron_leader"]
    violation = record_violation(officer)
    other = record_violation(officer, party=violation.party, address="中山东路")

    outcomes = _race(
        lambda: order(violation, officer).number,
        lambda: order(other, leader).number,
        lambda: order(violation, leader).number,
    )

    assert all(isinstance(o, str) for o in outcomes), outcomes
    year = outcomes[0].split("〔")[1][:4]
    assert sorted(outcomes) == [f"甬综执责改字〔{year}〕第{n}号" for n in (1, 2, 3)]
    assert IssuedDocument.objects.count() == 3
    assert SeriesCounter.objects.get().last == 3
