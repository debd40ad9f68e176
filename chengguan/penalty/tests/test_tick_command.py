"""``chengguan tick`` also runs the penalty procedure's supervision (registered in core.jobs)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from chengguan.core.jobs import tick_jobs
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.usefixtures("in_english")


def test_the_penalty_and_seizure_jobs_are_registered() -> None:
    assert {"penalty", "seizures"} <= set(dict(tick_jobs()))


def test_chengguan_tick_reports_the_penalty_procedure(tiny_city: TinyCity) -> None:
    out = StringIO()
    call_command("tick", "--at", "2026-11-24T10:00", stdout=out)
    assert "Penalty procedure: 0 proceedings checked, 0 steps newly overdue." in out.getvalue()
    assert "Seizures: 0 in force checked, 0 due soon, 0 released on expiry." in out.getvalue()
