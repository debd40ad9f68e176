"""The supervision job warns before a term runs out, once per term end, and releases lapsed seizures."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.seizures import supervision, workflow
from chengguan.seizures.models import SeizurePolicy, SeizureState, SeizureWarning
from chengguan.seizures.tests.conftest import local, seize

pytestmark = pytest.mark.django_db


def test_the_due_soon_warning_is_written_once_however_often_the_tick_runs(city, violation):
    seizure = seize(city, violation)  # term ends 8 October 2026
    SeizurePolicy.objects.create(warn_days_before=3)
    assert supervision.run_tick(local(2026, 10, 4, 9, 0)).due_soon == 0  # 4 days before: not yet
    assert supervision.run_tick(local(2026, 10, 5, 9, 0)).due_soon == 1  # 3 days before
    assert supervision.run_tick(local(2026, 10, 5, 9, 1)).due_soon == 0
    assert supervision.run_tick(local(2026, 10, 7, 9, 0)).due_soon == 0
    assert SeizureWarning.objects.filter(seizure=seizure, kind="due_soon").count() == 1


def test_an_extension_moves_the_warning_to_the_new_end(city, violation):
    seizure = seize(city, violation)
    supervision.run_tick(local(2026, 10, 5, 9, 0))
    with time_machine.travel(local(2026, 10, 6, 9, 0), tick=False):
        workflow.extend(seizure, actor=city.users["leader"], version=seizure.version, days=20, reason="复杂")
    supervision.run_tick(local(2026, 10, 18, 9, 0))  # new end: 1 September + 50 days
    ends = sorted(SeizureWarning.objects.filter(kind="due_soon").values_list("term_end", flat=True))
    assert [d.isoformat() for d in ends] == ["2026-10-08", "2026-10-21"]


def test_a_lapsed_term_is_released_once(city, violation):
    seizure = seize(city, violation)
    first = supervision.run_tick(local(2026, 10, 9, 9, 0))
    second = supervision.run_tick(local(2026, 10, 9, 9, 1))
    seizure.refresh_from_db()
    assert (first.expired, second.expired) == (1, 0)
    assert seizure.state == SeizureState.RELEASED
    assert SeizureWarning.objects.filter(seizure=seizure, kind="expired").count() == 1
    assert seizure.events.filter(action="expire").count() == 1
