"""Deadlines are cheap: a dispatcher's queue recomputes thousands of them."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from chengguan.workdays.calendar import add_working_time, working_time_between
from chengguan.workdays.tests.moments import at

pytestmark = pytest.mark.django_db


def test_ten_thousand_deadlines_take_well_under_a_second() -> None:
    # given 10,000 starts spread over two years, warmed with one call (loads the tables)
    first = at(2025, 1, 1, 7)
    starts = [first + dt.timedelta(minutes=97 * i) for i in range(10_000)]
    add_working_time(first, days=1)

    # when each gets a deadline of 1–20 working days and the working time of its first day is measured
    began = time.perf_counter()
    for i, start in enumerate(starts):
        deadline = add_working_time(start, days=1 + i % 20, hours=i % 3)
    seconds = time.perf_counter() - began
    working_time_between(starts[0], deadline)

    # then the whole batch is fast
    assert seconds < 1.0, f"{seconds:.2f} s"
