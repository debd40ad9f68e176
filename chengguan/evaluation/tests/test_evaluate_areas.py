"""Areas (district, street, community, grid): closure rates by hand, and month boundaries in CST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chengguan.cases.models import CaseState
from chengguan.core.testing import TinyCity
from chengguan.evaluation.selectors import RankingRow, evaluate, monthly_ranking
from chengguan.evaluation.tests.builders import EAST_GRID, WEST_GRID, cst, dispatched_case, make_case


def _row(rows: list[RankingRow], code: str) -> RankingRow:
    return next(row for row in rows if row.code == code)


@pytest.mark.django_db
def test_it_computes_the_communitys_closure_rates_by_hand(october: list[Any]) -> None:
    # due 10, suspended 1 → denominator 9; closed 8, on time 6, handled 8, rework 1, extended 1
    #   按期结案率 6/9 = 0.6667, target 0.70: 100 − 2 × 3.333 = 93.33
    #   结案率     8/9 = 0.8889, target 0.90: 100 − 2 × 1.111 = 97.78
    #   返工率     1/8 = 0.1250 → 85.00;  延期率 1/9 = 0.1111 → 97.78
    #   composite (50 × 280/3 + 20 × 880/9 + 15 × 85 + 15 × 880/9) / 100 = 84275/900 = 93.64
    row = _row(monthly_ranking("2026-10", "community"), WEST_GRID[:12])

    assert row.counters == {
        "reports": 10,
        "valid_reports": 10,
        "registered": 10,
        "due": 10,
        "closed": 8,
        "closed_on_time": 6,
        "handled": 8,
        "rework": 1,
        "extended": 1,
        "overdue": 3,
        "suspended": 1,
    }
    assert {ind.code: ind.to_dict()["value"] for ind in row.indicators} == {
        "ontime_closure_rate": "0.6667",
        "closure_rate": "0.8889",
        "rework_rate": "0.1250",
        "extension_rate": "0.1111",
    }
    assert row.score_decimal == Decimal("93.64")
    assert row.name == "中山社区"


@pytest.mark.django_db
def test_every_level_groups_by_its_own_code(october: list[Any]) -> None:
    for kind, code in (("district", "330203"), ("street", "330203001"), ("grid", WEST_GRID)):
        rows = monthly_ranking("2026-10", kind)

        assert rows[0].code == code
        assert rows[0].counters["closed"] == 8
        assert rows[0].score_decimal == Decimal("93.64")
        assert rows[1].score is None


@pytest.mark.django_db
def test_a_case_closed_at_2330_cst_on_31_october_counts_in_october(tiny_city: TinyCity) -> None:
    # 23:30 CST on 31 October is 15:30 UTC: still October in the city, whatever the server's zone
    dispatched_case(
        unit=tiny_city.units["east"],
        grid=EAST_GRID,
        dispatched_at=cst(2026, 10, 31, 9),
        handle_due=cst(2026, 10, 31, 17),
        handled_at=cst(2026, 10, 31, 16),
        closed_at=cst(2026, 10, 31, 23, 30),
    )
    # reported 00:10 CST on 1 November = 16:10 UTC on 31 October: a November report
    make_case(grid=EAST_GRID, reported_at=cst(2026, 11, 1, 0, 10))

    october = _row(monthly_ranking("2026-10", "district"), "330212").counters
    november = _row(monthly_ranking("2026-11", "district"), "330212").counters

    assert (october["closed"], october["closed_on_time"], october["reports"]) == (1, 1, 1)
    assert (november["closed"], november["due"], november["reports"]) == (0, 0, 1)


@pytest.mark.django_db
def test_a_case_open_past_its_deadline_is_overdue_at_the_end_of_the_period(tiny_city: TinyCity) -> None:
    dispatched_case(
        unit=tiny_city.units["east"],
        grid=EAST_GRID,
        dispatched_at=cst(2026, 10, 20, 9),
        handle_due=cst(2026, 10, 22, 17),
        handled_at=cst(2026, 11, 2, 9),  # after the month
        closed_at=cst(2026, 11, 2, 10),
    )

    october = _row(monthly_ranking("2026-10", "district"), "330212").counters
    november = _row(monthly_ranking("2026-11", "district"), "330212").counters

    assert (october["due"], october["closed"], october["overdue"]) == (1, 0, 1)
    assert (november["due"], november["closed"], november["overdue"]) == (1, 1, 1)


@pytest.mark.django_db
def test_rejected_and_cancelled_cases_are_not_due(tiny_city: TinyCity) -> None:
    make_case(grid=EAST_GRID, reported_at=cst(2026, 10, 5), state=CaseState.REJECTED)
    dispatched_case(
        unit=tiny_city.units["east"],
        grid=EAST_GRID,
        dispatched_at=cst(2026, 10, 5, 9),
        handle_due=cst(2026, 10, 6, 17),
        state=CaseState.CANCELLED,
        cancelled_at=cst(2026, 10, 5, 12),
    )

    row = _row(
        evaluate(
            period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), subject_kind="district"
        ),
        "330212",
    )

    assert (row.counters["reports"], row.counters["valid_reports"], row.counters["due"]) == (2, 1, 0)
    assert row.score is None
