"""The one extension of a seizure's term (art. 25): only once, only by the head of the bureau."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.seizures import workflow
from chengguan.seizures.errors import AccessDenied, LegalBar
from chengguan.seizures.tests.conftest import local, seize

pytestmark = pytest.mark.django_db


def test_it_extends_only_once(city, violation):
    seizure = seize(city, violation)
    leader = city.users["leader"]
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False):
        seizure = workflow.extend(
            seizure, actor=leader, version=seizure.version, days=10, reason="需补充调查"
        )
        with pytest.raises(LegalBar) as refused:
            workflow.extend(seizure, actor=leader, version=seizure.version, days=10, reason="再延长")
    assert refused.value.details["rule"] == "one_extension"
    seizure.refresh_from_db()
    assert seizure.extension_days == 10
    assert seizure.extended_by == leader


@pytest.mark.parametrize("who", ["officer", "squadron_leader", "inspector", "outsider"])
def test_it_refuses_an_extension_by_anyone_but_the_head_of_the_bureau(city, violation, who):
    seizure = seize(city, violation)
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False), pytest.raises(AccessDenied):
        workflow.extend(seizure, actor=city.users[who], version=seizure.version, days=10, reason="x")
    seizure.refresh_from_db()
    assert seizure.extension_days == 0


@pytest.mark.parametrize("days", [0, 31, -1])
def test_it_refuses_an_extension_longer_than_30_days_or_empty(city, violation, days):
    seizure = seize(city, violation)
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False), pytest.raises(LegalBar) as refused:
        workflow.extend(seizure, actor=city.users["leader"], version=seizure.version, days=days, reason="x")
    assert refused.value.field == "days"


def test_it_refuses_an_extension_after_the_term_has_ended(city, violation):
    seizure = seize(city, violation)  # term ends 8 October 2026 (after the National Day holiday)
    with time_machine.travel(local(2026, 10, 9, 9, 0), tick=False), pytest.raises(LegalBar) as refused:
        workflow.extend(seizure, actor=city.users["leader"], version=seizure.version, days=10, reason="太迟")
    assert refused.value.details["rule"] == "term_lapsed"


def test_it_refuses_an_extension_without_a_reason(city, violation):
    seizure = seize(city, violation)
    with (
        time_machine.travel(local(2026, 9, 20, 9, 0), tick=False),
        pytest.raises(workflow.InvalidInput) as bad,
    ):
        workflow.extend(seizure, actor=city.users["leader"], version=seizure.version, days=10, reason="  ")
    assert bad.value.field == "reason"
