"""evaluate() runs the same few queries for a handful of cases or for many more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chengguan.core.testing import TinyCity
from chengguan.evaluation.counters import SubjectKind
from chengguan.evaluation.selectors import evaluate
from chengguan.evaluation.tests.builders import EAST_GRID, cst, dispatched_case, event, water_month

OCT_1, OCT_31 = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
MAX_QUERIES = 7  # cases, events, formulas …; units also the callbacks and the portal policy


def _more_cases(city: TinyCity, n: int) -> None:
    for i in range(n):
        case = dispatched_case(
            unit=city.units["east" if i % 2 else "water"],
            grid=EAST_GRID,
            dispatched_at=cst(2026, 10, 2 + i % 20, 9),
            handle_due=cst(2026, 10, 3 + i % 20, 17),
            handled_at=cst(2026, 10, 3 + i % 20, 10),
            closed_at=cst(2026, 10, 3 + i % 20, 12),
            officer=city.users["outsider"],
            verifier=city.users["inspector"],
            reporter=city.users["inspector"],
        )
        event(case, to_state="handled", at=case.handled_at, actor=city.users["outsider"])


@pytest.mark.django_db
@pytest.mark.parametrize("subject_kind", SubjectKind.values)
def test_the_query_count_does_not_grow_with_the_cases(
    tiny_city: TinyCity, subject_kind: str, django_assert_max_num_queries: Any
) -> None:
    water_month(tiny_city.units["water"])
    with django_assert_max_num_queries(MAX_QUERIES):
        few = evaluate(period_start=OCT_1, period_end=OCT_31, subject_kind=subject_kind)

    _more_cases(tiny_city, 40)
    with django_assert_max_num_queries(MAX_QUERIES) as many_queries:
        many = evaluate(period_start=OCT_1, period_end=OCT_31, subject_kind=subject_kind)

    assert len(many_queries.captured_queries) <= MAX_QUERIES
    assert sum(row.counters.get("handled", 0) + row.counters.get("reports", 0) for row in many) > sum(
        row.counters.get("handled", 0) + row.counters.get("reports", 0) for row in few
    )
