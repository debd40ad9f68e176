"""The supervision tick: marks overdue once, escalates at the thresholds, warns a failing unit once."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _

from chengguan.cases.models import (
    Case,
    CaseEvent,
    Notification,
    Supervision,
    SupervisionKind,
    SupervisionPolicy,
    SupervisionWarning,
)
from chengguan.cases.supervision import ADVISORY_LOCK_KEY, TickReport, run_tick
from chengguan.cases.tests.builders import MONDAY, accepted, local, reported
from chengguan.core.testing import TinyCity
from chengguan.org.models import Unit, UnitKind


def _accepted_monday(city: TinyCity, n: int = 1) -> list[Case]:
    """Cases accepted by the water department Monday 09:00, due Tuesday 09:00."""
    with time_machine.travel(MONDAY, tick=False):
        return [accepted(city) for _ in range(n)]


def test_an_overdue_case_is_marked_once(tiny_city: TinyCity) -> None:
    [case] = _accepted_monday(tiny_city)

    first = run_tick(local(2026, 11, 24, 9, 30))
    second = run_tick(local(2026, 11, 24, 9, 45))

    assert first == TickReport(marked_overdue=1, escalated=0, warnings=0)
    assert second == TickReport(marked_overdue=0, escalated=0, warnings=0)
    case.refresh_from_db()
    assert case.overdue_marked_at == local(2026, 11, 24, 9, 30)
    overdue = Supervision.objects.get(case=case, kind=SupervisionKind.OVERDUE)
    assert (overdue.step, overdue.unit) == ("handle", tiny_city.units["water"])
    assert CaseEvent.objects.filter(case=case, action="overdue").count() == 1
    assert Notification.objects.filter(case=case, kind="overdue", unit=tiny_city.units["water"]).count() == 1


def test_a_case_on_time_is_left_alone(tiny_city: TinyCity) -> None:
    _accepted_monday(tiny_city)

    assert run_tick(local(2026, 11, 23, 17, 0)) == TickReport()
    assert not Supervision.objects.exists()


def test_each_step_is_marked_once(tiny_city: TinyCity) -> None:
    with time_machine.travel(MONDAY, tick=False):
        case = reported(tiny_city)  # register within 1 working hour

    report = run_tick(local(2026, 11, 23, 10, 30))

    assert report.marked_overdue == 1
    mark = Supervision.objects.get(case=case)
    assert (mark.step, mark.unit) == ("register", None)


def test_an_overdue_case_is_escalated_up_the_hierarchy_at_the_thresholds(tiny_city: TinyCity) -> None:
    # given the bureau under the city government, and a case of the water department (under the bureau)
    government = Unit.objects.create(code="GOV", name="市政府", kind=UnitKind.AGENCY)
    Unit.objects.filter(pk=tiny_city.units["bureau"].pk).update(parent=government)
    [case] = _accepted_monday(tiny_city)

    # 3.5 working hours overdue (Tuesday 09:00–12:00, 13:30–14:00): not yet
    assert run_tick(local(2026, 11, 24, 14, 0)).escalated == 0
    # 4 working hours overdue: one unit up, to the bureau
    assert run_tick(local(2026, 11, 24, 14, 30)).escalated == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert (
        Notification.objects.filter(case=case, kind="escalated", unit=tiny_city.units["bureau"]).count() == 1
    )
    # 16 working hours overdue (Thursday 10:00): two up, to the government; running again adds nothing
    assert run_tick(local(2026, 11, 26, 10, 0)).escalated == 1
    assert run_tick(local(2026, 11, 26, 11, 0)).escalated == 0
    case.refresh_from_db()
    assert case.escalation_level == 2
    levels = list(
        Supervision.objects.filter(case=case, kind=SupervisionKind.ESCALATION)
        .order_by("level")
        .values_list("level", "unit__code")
    )
    assert levels == [(1, "CG"), (2, "GOV")]


def test_escalation_stops_at_the_top_of_the_hierarchy(tiny_city: TinyCity) -> None:
    [case] = _accepted_monday(tiny_city)

    report = run_tick(local(2026, 11, 30, 10, 0))  # far past both thresholds; the bureau is the top

    assert report.escalated == 1
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_a_unit_that_keeps_failing_is_warned_once_per_period(tiny_city: TinyCity) -> None:
    SupervisionPolicy.objects.update_or_create(
        pk=1, defaults={"warning_overdue_count": 3, "escalate_after_hours": [4, 16]}
    )
    _accepted_monday(tiny_city, n=3)

    first = run_tick(local(2026, 11, 24, 10, 0))
    second = run_tick(local(2026, 11, 25, 10, 0))

    assert (first.marked_overdue, first.warnings) == (3, 1)
    assert second.warnings == 0
    warning = SupervisionWarning.objects.get()
    assert (warning.unit, warning.overdue_count) == (tiny_city.units["water"], 3)


def test_fewer_overdue_cases_than_the_threshold_are_no_warning(tiny_city: TinyCity) -> None:
    _accepted_monday(tiny_city, n=2)

    assert run_tick(local(2026, 11, 24, 10, 0)).warnings == 0


def test_the_tick_is_idempotent(tiny_city: TinyCity) -> None:
    SupervisionPolicy.objects.update_or_create(
        pk=1, defaults={"warning_overdue_count": 2, "escalate_after_hours": [4, 16]}
    )
    _accepted_monday(tiny_city, n=2)
    moment = local(2026, 11, 26, 10, 0)
    run_tick(moment)
    rows = (
        Supervision.objects.count(),
        SupervisionWarning.objects.count(),
        CaseEvent.objects.count(),
        Notification.objects.count(),
    )
    cases = list(Case.objects.order_by("pk").values())

    again = run_tick(moment)

    assert again == TickReport()
    assert rows == (
        Supervision.objects.count(),
        SupervisionWarning.objects.count(),
        CaseEvent.objects.count(),
        Notification.objects.count(),
    )
    assert cases == list(Case.objects.order_by("pk").values())


def test_chengguan_tick_runs_from_the_command_line(tiny_city: TinyCity) -> None:
    _accepted_monday(tiny_city)
    out = StringIO()

    call_command("tick", "--at", "2026-11-24T10:00", stdout=out)

    assert "1" in out.getvalue()
    assert Supervision.objects.filter(kind=SupervisionKind.OVERDUE).count() == 1


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the advisory lock exists on PostgreSQL only (SQLite serialises writers itself)",
)
def test_a_second_tick_while_one_runs_does_nothing_and_says_so(tiny_city: TinyCity) -> None:
    # given another process in the middle of a tick (holding the advisory lock)
    holding, release = threading.Event(), threading.Event()

    def other_tick() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                holding.set()
                release.wait(30)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        finally:
            connection.close()

    thread = threading.Thread(target=other_tick)
    thread.start()
    holding.wait(30)
    _accepted_monday(tiny_city)
    out = StringIO()

    # when this one starts
    try:
        report = run_tick(local(2026, 11, 24, 10, 0))
        call_command("tick", "--at", "2026-11-24T10:00", stdout=out)
    finally:
        release.set()
        thread.join(30)

    # then it does nothing, and the command says so (exit status 0)
    assert report == TickReport(skipped=True)
    assert out.getvalue().strip() == str(_("Another tick is running; nothing done."))
    assert not Supervision.objects.exists()
