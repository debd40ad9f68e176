"""Inspectors (valid reports, on-time checks) and officers (handling by the timeline's actor)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chengguan.cases.models import CaseState, Source
from chengguan.core.testing import TinyCity
from chengguan.evaluation.selectors import RankingRow, monthly_ranking
from chengguan.evaluation.tests.builders import cst, dispatched_case, event, make_case


def _row(rows: list[RankingRow], code: str) -> RankingRow:
    return next(row for row in rows if row.code == code)


@pytest.mark.django_db
def test_it_scores_an_inspector_on_valid_reports_and_timely_checks(tiny_city: TinyCity) -> None:
    wang = tiny_city.users["inspector"]
    squadron = tiny_city.units["west"]
    # 4 reports: 3 registered, 1 rejected
    for _i in range(3):
        make_case(
            reported_at=cst(2026, 10, 3, 9),
            reporter=wang,
            registered_at=cst(2026, 10, 3, 10),
            state="registered",
        )
    make_case(reported_at=cst(2026, 10, 3, 9), reporter=wang, state=CaseState.REJECTED)
    # 2 checks due: one verified in time, one late
    for verified in (cst(2026, 10, 4, 10), cst(2026, 10, 4, 15)):
        dispatched_case(
            unit=squadron,
            dispatched_at=cst(2026, 10, 4, 8),
            handle_due=cst(2026, 10, 4, 17),
            handled_at=cst(2026, 10, 4, 9),
            closed_at=verified,
            verifier=wang,
            verify_due=cst(2026, 10, 4, 11),
        )
    # a citizen's report is nobody's inspector report
    make_case(reported_at=cst(2026, 10, 3, 9), reporter=tiny_city.users["citizen"], source=Source.CITIZEN)

    rows = monthly_ranking("2026-10", "inspector")

    row = _row(rows, "inspector")
    assert [r.code for r in rows] == ["inspector"]
    assert row.counters == {
        "reports": 4,
        "valid_reports": 3,
        "checks_due": 2,
        "checks_done": 2,
        "checks_on_time": 1,
    }
    # 有效上报率 3/4 = 0.75 (target 0.90): 70;  按时核查率 1/2 = 0.50 (target 0.95): 10
    # composite (40 × 70 + 60 × 10) / 100 = 34
    assert {i.code: i.to_dict()["value"] for i in row.indicators} == {
        "valid_report_rate": "0.7500",
        "ontime_check_rate": "0.5000",
    }
    assert row.score_decimal == Decimal("34.00")


@pytest.mark.django_db
def test_it_credits_handling_to_the_officer_who_reported_back(tiny_city: TinyCity) -> None:
    chen = tiny_city.users["officer"]
    squadron = tiny_city.units["west"]
    on_time = dispatched_case(
        unit=squadron,
        dispatched_at=cst(2026, 10, 4, 8),
        handle_due=cst(2026, 10, 4, 17),
        handled_at=cst(2026, 10, 4, 9),
        officer=chen,
    )
    late = dispatched_case(
        unit=squadron,
        dispatched_at=cst(2026, 10, 4, 8),
        handle_due=cst(2026, 10, 4, 17),
        handled_at=cst(2026, 10, 5, 9),
        officer=chen,
        rework_count=1,
    )
    event(on_time, to_state=CaseState.HANDLED, at=cst(2026, 10, 4, 9), actor=chen)
    event(late, to_state=CaseState.HANDLED, at=cst(2026, 10, 4, 16), actor=chen)  # sent back …
    event(late, to_state=CaseState.HANDLED, at=cst(2026, 10, 5, 9), actor=chen)  # … handled again

    row = _row(monthly_ranking("2026-10", "officer"), "officer")

    assert row.counters == {"handled": 2, "handled_on_time": 1, "rework": 1, "beat_cases": 2}
    # 按期处置率 1/2 = 0.50 (target 0.90) → 20; 返工率 1/2 = 0.50 (lower, target 0.05) → 10
    # composite (70 × 20 + 30 × 10) / 100 = 17
    assert row.score_decimal == Decimal("17.00")
