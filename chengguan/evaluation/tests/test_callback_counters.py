"""Satisfaction callbacks (回访) count for the unit that handled the case."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chengguan.cases.tests.builders import closed
from chengguan.core.testing import TinyCity
from chengguan.evaluation.counters import unit_counters
from chengguan.portal.services import record_callback


def test_callbacks_count_for_the_handling_unit(tiny_city: TinyCity) -> None:
    happy, unhappy = closed(tiny_city), closed(tiny_city)
    operator = tiny_city.users["operator"]
    record_callback(happy.pk, actor=operator, reached=True, satisfaction=5)
    record_callback(unhappy.pk, actor=operator, reached=True, satisfaction=1)
    now = timezone.now()
    rows = unit_counters("department", now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    counts = rows[happy.assigned_unit_id]
    assert (counts["callbacks"], counts["callbacks_satisfied"]) == (2, 1)


def test_callbacks_outside_the_period_do_not_count(tiny_city: TinyCity) -> None:
    case = closed(tiny_city)
    record_callback(case.pk, actor=tiny_city.users["operator"], reached=False)
    later = timezone.now() + dt.timedelta(days=2)
    rows = unit_counters("department", later, later + dt.timedelta(days=1))
    assert rows.get(case.assigned_unit_id, {}).get("callbacks", 0) == 0
