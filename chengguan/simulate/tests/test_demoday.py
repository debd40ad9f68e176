"""The demo day: reports moved along the real workflow, every step audited."""

from __future__ import annotations

import pytest

from chengguan.audit.verification import verify_chain
from chengguan.cases.models import Case, CaseEvent
from chengguan.core.testing import TinyCity
from chengguan.simulate.demoday import simulate_day


def test_the_demo_day_leaves_cases_at_every_step_of_the_loop(tiny_city: TinyCity) -> None:
    report = simulate_day(seed=7, reports=40)
    assert report.cases + report.skipped == 40
    assert report.cases == Case.objects.count() >= 30
    states = set(Case.objects.values_list("state", flat=True))
    assert {"reported", "registered", "dispatched", "closed"} <= states
    closed = Case.objects.filter(state="closed").first()
    assert closed is not None
    actions = list(
        CaseEvent.objects.filter(case=closed).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions[0] == "reported" and actions[-1] == "closed"
    assert verify_chain().ok


def test_the_demo_day_is_the_same_for_the_same_seed(tiny_city: TinyCity) -> None:
    first = simulate_day(seed=3, reports=12)
    descriptions = list(Case.objects.order_by("pk").values_list("description", "state"))
    Case.objects.all().delete()
    second = simulate_day(seed=3, reports=12)
    assert first.outcomes == second.outcomes
    assert list(Case.objects.order_by("pk").values_list("description", "state")) == descriptions


def test_the_demo_day_needs_staff(db: None) -> None:
    from chengguan.core.errors import ChengguanError

    with pytest.raises(ChengguanError):
        simulate_day(seed=1, reports=1)
