"""The term of a seizure: 30 natural days, one extension of up to 30, evaluation days excluded, and
return on expiry (Administrative Compulsion Law arts. 25, 28)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from chengguan.audit.models import AuditEntry
from chengguan.seizures import supervision, terms, workflow
from chengguan.seizures.models import ReleaseKind, SeizureState
from chengguan.seizures.tests.conftest import local, seize

pytestmark = pytest.mark.django_db


def test_a_seizure_runs_30_plus_30_days_with_an_evaluation_excluded_across_national_day_and_returns(
    city, violation
):
    u = city.users
    # given a seizure decided on Tuesday 1 September 2026
    seizure = seize(city, violation)
    assert seizure.start_date == dt.date(2026, 9, 1)
    assert terms.term_end(seizure, dt.date(2026, 9, 1)) == dt.date(2026, 10, 1) + dt.timedelta(days=7)
    # (1 October is National Day; a term ending on a holiday ends on the next working day, 8 October)

    # when a technical appraisal runs from 10 to 14 September (5 days, not counted)
    with time_machine.travel(local(2026, 9, 15, 9, 0), tick=False):
        seizure = workflow.add_evaluation(
            seizure,
            actor=u["officer"],
            version=seizure.version,
            kind="appraisal",
            started_on="2026-09-10",
            ended_on="2026-09-14",
            institution="市产品质量检验所",
        )
    # and the head of the bureau extends the term once by 30 days
    with time_machine.travel(local(2026, 9, 28, 9, 0), tick=False):
        seizure = workflow.extend(
            seizure, actor=u["leader"], version=seizure.version, days=30, reason="案情复杂，需进一步调查"
        )

    # then the term counts natural days straight through the National Day holiday:
    # 1 September + 30 + 30 + 5 excluded days = 5 November (a Thursday)
    assert terms.term_end(seizure, dt.date(2026, 10, 1)) == dt.date(2026, 11, 5)

    # and on its last day the seizure is still in force
    supervision.run_tick(local(2026, 11, 5, 23, 0))
    seizure.refresh_from_db()
    assert seizure.state == SeizureState.IN_FORCE

    # the day after, the term has lapsed without a decision: released, items due back
    report = supervision.run_tick(local(2026, 11, 6, 0, 30))
    seizure.refresh_from_db()
    assert report.expired == 1
    assert seizure.state == SeizureState.RELEASED
    assert seizure.release_kind == ReleaseKind.EXPIRED

    # and the officers hand the items back against a receipt
    with time_machine.travel(local(2026, 11, 6, 10, 0), tick=False):
        seizure = workflow.return_items(
            seizure, actor=u["officer"], version=seizure.version, returned_to="周某", receipt_number="FH-0001"
        )
    assert seizure.state == SeizureState.RETURNED
    actions = list(AuditEntry.objects.filter(target_id=str(seizure.pk)).values_list("action", flat=True))
    assert actions[:3] == ["seizures.decide", "seizures.add_evaluation", "seizures.extend"]
    assert "seizures.expire" in actions
    assert actions[-1] == "seizures.return_items"


def test_a_running_evaluation_holds_the_term_open(city, violation):
    seizure = seize(city, violation)
    with time_machine.travel(local(2026, 9, 25, 9, 0), tick=False):
        seizure = workflow.add_evaluation(
            seizure,
            actor=city.users["officer"],
            version=seizure.version,
            kind="testing",
            started_on="2026-09-25",
        )
    # far beyond 30 days, the testing still runs: no expiry
    report = supervision.run_tick(local(2026, 10, 20, 9, 0))
    seizure.refresh_from_db()
    assert report.expired == 0
    assert seizure.state == SeizureState.IN_FORCE
    # the testing ends on 20 October: 26 days excluded, the term ends 27 October + 0 → 27 October
    with time_machine.travel(local(2026, 10, 20, 10, 0), tick=False):
        seizure = workflow.end_evaluation(
            seizure,
            seizure.evaluations.get().pk,
            actor=city.users["officer"],
            version=seizure.version,
            ended_on="2026-10-20",
        )
    assert terms.term_end(seizure, dt.date(2026, 10, 20)) == dt.date(2026, 10, 27)


def test_overlapping_evaluation_periods_are_refused(city, violation):
    seizure = seize(city, violation)
    u = city.users
    with time_machine.travel(local(2026, 9, 15, 9, 0), tick=False):
        seizure = workflow.add_evaluation(
            seizure,
            actor=u["officer"],
            version=seizure.version,
            kind="testing",
            started_on="2026-09-10",
            ended_on="2026-09-12",
        )
        with pytest.raises(workflow.LegalBar) as refused:
            workflow.add_evaluation(
                seizure,
                actor=u["officer"],
                version=seizure.version,
                kind="inspection",
                started_on="2026-09-12",
                ended_on="2026-09-14",
            )
    assert refused.value.details["rule"] == "evaluation_overlap"


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 1)),
    extension=st.integers(min_value=0, max_value=30),
    lengths=st.lists(st.integers(min_value=1, max_value=20), max_size=3),
)
def test_the_term_is_natural_days_plus_excluded_days_ending_on_a_working_day(start, extension, lengths):
    periods, day = [], start + dt.timedelta(days=1)
    for n in lengths:
        periods.append(terms.Period(day, day + dt.timedelta(days=n - 1)))
        day += dt.timedelta(days=n + 1)
    end = terms.term_end_for(start, 30, extension, periods, start + dt.timedelta(days=400))
    natural = start + dt.timedelta(days=30 + extension + sum(lengths))
    from chengguan.workdays.calendar import is_working_day

    assert natural <= end < natural + dt.timedelta(days=10)
    assert is_working_day(end)
    assert all(not is_working_day(natural + dt.timedelta(days=k)) for k in range((end - natural).days))
