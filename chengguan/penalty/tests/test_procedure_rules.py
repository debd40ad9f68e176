"""Rules of the law on the workflow: the 90 days, the limitation period, "never heavier", the second
person for corrections, and the supervision tick."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine

from chengguan.core.testing import TinyCity
from chengguan.penalty import workflow
from chengguan.penalty.errors import LegalBar
from chengguan.penalty.models import OverdueMark, ProceedingEvent, State
from chengguan.penalty.supervision import run_tick
from chengguan.penalty.tests.builders import awaiting_decision, noticed, opened
from chengguan.penalty.tests.conftest import local, make_violation

pytestmark = pytest.mark.usefixtures("in_english")


def rule_of(exc: pytest.ExceptionInfo[LegalBar]) -> str:
    return exc.value.details["rule"]


# --- the 90 days from opening (art. 60) --------------------------------------------------------------


def test_a_decision_after_90_days_is_refused_until_an_extension_is_approved(
    city: TinyCity, violation: Any
) -> None:
    p = awaiting_decision(city, violation)  # opened Monday 21 September 2026: the 90th day is 20 December,
    lead = city.users["squadron_leader"]  # a Sunday, so the last day is Monday 21 December
    with time_machine.travel(local(2026, 12, 22, 9, 0), tick=False):
        with pytest.raises(LegalBar) as refused:
            workflow.decide(p, actor=lead, version=p.version)
        assert rule_of(refused) == "decision_limit"
        assert "2026-12-21" in str(refused.value.message)
        # too late to extend, too
        with pytest.raises(LegalBar):
            workflow.extend(p, actor=lead, version=p.version, days=30, reason="案情复杂")
    with time_machine.travel(local(2026, 12, 18, 9, 0), tick=False):
        p = workflow.extend(p, actor=lead, version=p.version, days=30, reason="案情复杂，需补充鉴定")
        with pytest.raises(LegalBar) as again:
            workflow.extend(p, actor=lead, version=p.version, days=10, reason="再延期")
        assert rule_of(again) == "extension"
    with time_machine.travel(local(2026, 12, 22, 9, 0), tick=False):
        p = workflow.decide(p, actor=lead, version=p.version)
        assert p.state == State.DECIDED


def test_only_a_head_extends_the_limit(city: TinyCity, violation: Any) -> None:
    p = opened(city, violation)
    with pytest.raises(workflow.WrongRole):
        workflow.extend(p, actor=city.users["officer"], version=p.version, days=30, reason="x")


# --- the limitation period (art. 36) -------------------------------------------------------------------


def test_a_violation_not_discovered_within_two_years_is_not_punished(city: TinyCity) -> None:
    old = make_violation(city, occurred_at=local(2024, 9, 20, 19, 0))
    with pytest.raises(LegalBar) as refused:
        opened(city, old)
    assert rule_of(refused) == "limitation"
    assert "2026-09-20" in str(refused.value.message)


def test_the_five_year_period_and_continuing_violations(city: TinyCity) -> None:
    old = make_violation(city, occurred_at=local(2024, 9, 20, 19, 0))
    assert opened(city, old, long_limitation=True).state == State.INVESTIGATION
    continuing = make_violation(city, occurred_at=local(2023, 5, 1, 8, 0))
    assert opened(city, continuing, continuing_until="2026-06-30").state == State.INVESTIGATION


def test_just_within_two_years_is_still_in_time(city: TinyCity) -> None:
    recent = make_violation(city, occurred_at=local(2024, 9, 21, 19, 0))
    assert opened(city, recent).state == State.INVESTIGATION


# --- never heavier because the party defended themselves (art. 45) --------------------------------------


def _notice(p: Any, city: TinyCity, fine: str) -> Any:
    return workflow.issue_notice(
        p,
        actor=city.users["officer"],
        version=p.version,
        facts="f",
        reasons="r",
        legal_basis="b",
        penalty_kind="fine",
        fine=Decimal(fine),
    )


def test_a_case_marked_major_after_the_statement_needs_a_legal_review_first(
    city: TinyCity, violation: Any
) -> None:
    p = noticed(city, violation, "1000")
    u = city.users
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        p = workflow.record_statement(p, actor=u["officer"], version=p.version, content="我只是临时摆一下")
    with time_machine.travel(local(2026, 10, 12, 9, 0), tick=False):
        p = workflow.close_statement(
            p, actor=u["officer"], version=p.version, review_note="复核：陈述理由不成立"
        )
        p = workflow.classify(
            p, actor=u["squadron_leader"], version=p.version, is_major=True, is_complex=False, reason="重大"
        )
    with time_machine.travel(local(2026, 10, 12, 10, 0), tick=False):
        # the case was classified after the statement: decide refuses without the review
        with pytest.raises(LegalBar) as no_review:
            workflow.decide(p, actor=u["squadron_leader"], version=p.version)
        assert rule_of(no_review) == "legal_review"


def test_a_returned_review_allows_a_heavier_notice_only_with_a_new_record(
    city: TinyCity, violation: Any
) -> None:
    u = city.users
    p = noticed(city, violation, "1000", is_major=True)
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        p = workflow.record_statement(p, actor=u["officer"], version=p.version, content="申辩")
    with time_machine.travel(local(2026, 10, 12, 9, 0), tick=False):
        p = workflow.close_statement(p, actor=u["officer"], version=p.version, review_note="复核")
        assert p.state == State.LEGAL_REVIEW
        p = workflow.legal_review(
            p, actor=u["reviewer"], version=p.version, result="returned", opinion="补充调查"
        )
        assert p.state == State.INVESTIGATION
        with pytest.raises(LegalBar) as heavier:
            _notice(p, city, "3000")
        assert rule_of(heavier) == "no_heavier"
    with time_machine.travel(local(2026, 10, 13, 9, 0), tick=False):
        p = workflow.add_record(
            p,
            actor=u["officer"],
            version=p.version,
            kind="other",
            content="新证据：经营面积达 20 平方米",
            officers=[u["officer"].pk, u["officer2"].pk],
        )
        p = _notice(p, city, "3000")  # new facts found after the defence
        assert p.state == State.NOTICE_ISSUED


def test_a_decision_is_never_heavier_than_the_notice(city: TinyCity, violation: Any) -> None:
    p = awaiting_decision(city, violation, "500")
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        with pytest.raises(LegalBar) as heavier:
            workflow.decide(p, actor=city.users["squadron_leader"], version=p.version, fine="500.01")
        assert rule_of(heavier) == "no_heavier"
        with pytest.raises(LegalBar):
            workflow.decide(p, actor=city.users["squadron_leader"], version=p.version, penalty_kind="licence")
        p = workflow.decide(p, actor=city.users["squadron_leader"], version=p.version, fine="400")
        assert p.current_decision().fine == Decimal("400.00")


def test_a_decision_needs_the_notice_of_rights(city: TinyCity, violation: Any) -> None:
    p = opened(city, violation)
    with pytest.raises(workflow.InvalidTransition):
        workflow.decide(p, actor=city.users["squadron_leader"], version=p.version)


def test_a_decision_needs_two_credentialed_officers(city: TinyCity, violation: Any) -> None:
    p = awaiting_decision(city, violation)
    city.users["officer2"].enforcement_credentials.update(revoked_at=local(2026, 9, 23, 8, 0))
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False), pytest.raises(LegalBar) as refused:
        workflow.decide(p, actor=city.users["squadron_leader"], version=p.version)
    assert rule_of(refused) == "two_officers"


# --- corrections: never an edit, a second person --------------------------------------------------------


def test_a_fine_is_corrected_by_a_superseding_decision_approved_by_a_second_person(
    city: TinyCity, violation: Any
) -> None:
    u = city.users
    p = awaiting_decision(city, violation, "500")
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        p = workflow.decide(p, actor=u["squadron_leader"], version=p.version)
        first = p.current_decision()
        with pytest.raises(LegalBar):
            workflow.propose_correction(
                p, actor=u["squadron_leader"], version=p.version, new_fine="600", reason="x"
            )
        p = workflow.propose_correction(
            p, actor=u["squadron_leader"], version=p.version, new_fine="300", reason="计算错误"
        )
        with pytest.raises(LegalBar) as same:
            workflow.decide_correction(p, actor=u["squadron_leader"], version=p.version, approve=True)
        assert rule_of(same) == "second_person"
        p = workflow.decide_correction(p, actor=u["reviewer"], version=p.version, approve=True)
    current = p.current_decision()
    assert current.fine == Decimal("300.00") and current.supersedes_id == first.pk
    first.refresh_from_db()
    assert first.fine == Decimal("500.00")  # the old decision is untouched
    with pytest.raises(ValueError):
        first.save()


# --- supervision -----------------------------------------------------------------------------------------


def test_the_tick_marks_an_unserved_decision_overdue_once(city: TinyCity, violation: Any) -> None:
    p = awaiting_decision(city, violation, "500")
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        p = workflow.decide(p, actor=city.users["squadron_leader"], version=p.version)
    # 7 working days after Thursday 24 September (25 September is the Mid-Autumn Festival, 1–7 October
    # National Day): 28, 29, 30 September, 8, 9, 10 (an adjusted Saturday), 12 October
    assert run_tick(local(2026, 10, 12, 20, 0)).marked_overdue == 0
    assert run_tick(local(2026, 10, 13, 9, 0)).marked_overdue == 1
    assert run_tick(local(2026, 10, 14, 9, 0)).marked_overdue == 0
    mark = OverdueMark.objects.get()
    assert (mark.step, mark.due.isoformat()) == ("service", "2026-10-12")
    assert ProceedingEvent.objects.filter(proceeding=p, action="overdue").count() == 1


def test_the_tick_does_not_mark_the_partys_own_windows(city: TinyCity, violation: Any) -> None:
    noticed(city, violation)
    assert run_tick(local(2026, 10, 20, 9, 0)).marked_overdue == 0
