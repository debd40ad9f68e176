"""Departments and squadrons: counters, indicators and composite value of a month, checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chengguan.core.testing import TinyCity
from chengguan.evaluation.models import IndicatorFormula
from chengguan.evaluation.selectors import RankingRow, evaluate, monthly_ranking
from chengguan.org.models import Unit, UnitKind

OCT_1, OCT_31 = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def _row(rows: list[RankingRow], code: str) -> RankingRow:
    return next(row for row in rows if row.code == code)


def _values(row: RankingRow) -> dict[str, str | None]:
    return {ind.code: ind.to_dict()["value"] for ind in row.indicators}


def _scores(row: RankingRow) -> dict[str, str | None]:
    return {ind.code: ind.to_dict()["score"] for ind in row.indicators}


@pytest.mark.django_db
def test_it_counts_the_water_departments_month(october: list[Any]) -> None:
    rows = monthly_ranking("2026-10", "department")

    assert _row(rows, "CG-WATER").counters == {
        "dispatched": 10,
        "due": 10,
        "closed": 8,
        "closed_on_time": 6,
        "handled": 8,
        "handled_on_time": 6,
        "rework": 1,
        "returns": 0,
        "callbacks": 0,
        "callbacks_satisfied": 0,
        "extended": 1,
        "overdue": 3,  # 2 handled late + 1 open past its deadline (the suspended one is not)
        "suspended": 1,
    }


@pytest.mark.django_db
def test_it_scores_the_water_department_as_computed_by_hand(october: list[Any]) -> None:
    # seeded formulas; suspended excluded: denominator of due-based rates is 10 − 1 = 9
    #   按期处置率 6/9 = 0.6667, target 0.90: 100 − 2 × 23.333 = 53.33
    #   处置率     8/9 = 0.8889, target 0.95: 100 − 2 × 6.111  = 87.78
    #   返工率     1/8 = 0.1250, lower, target 0.05: 100 − 2 × 7.5 = 85.00
    #   延期率     1/9 = 0.1111, lower, target 0.10: 100 − 2 × 1.111 = 97.78
    #   composite (50 × 160/3 + 20 × 790/9 + 15 × 85 + 15 × 880/9) / 100 = 644.75 / 9 = 71.64
    row = _row(monthly_ranking("2026-10", "department"), "CG-WATER")

    assert _values(row) == {
        "ontime_handling_rate": "0.6667",
        "handling_rate": "0.8889",
        "rework_rate": "0.1250",
        "extension_rate": "0.1111",
    }
    assert _scores(row) == {
        "ontime_handling_rate": "53.33",
        "handling_rate": "87.78",
        "rework_rate": "85.00",
        "extension_rate": "97.78",
    }
    assert row.score_decimal == Decimal("71.64")
    assert row.rank == 1


@pytest.mark.django_db
def test_suspended_cases_stay_in_the_denominator_when_the_formula_says_so(october: list[Any]) -> None:
    IndicatorFormula.objects.filter(subject_kind="department", code="ontime_handling_rate").update(
        exclude_suspended=False
    )

    row = _row(monthly_ranking("2026-10", "department"), "CG-WATER")

    # 6/10 = 0.60, target 0.90: 100 − 2 × 30 = 40
    assert _values(row)["ontime_handling_rate"] == "0.6000"
    assert _scores(row)["ontime_handling_rate"] == "40.00"
    assert _values(row)["handling_rate"] == "0.8889"  # the other formula still excludes them


@pytest.mark.django_db
def test_a_unit_with_nothing_due_has_no_rates_and_ranks_last(tiny_city: TinyCity, october: list[Any]) -> None:
    Unit.objects.create(
        code="CG-AAA", name="道路管理处", kind=UnitKind.DEPARTMENT, parent=tiny_city.units["bureau"]
    )

    rows = monthly_ranking("2026-10", "department")

    idle = _row(rows, "CG-AAA")
    assert [ind.value for ind in idle.indicators] == [None, None, None, None]
    assert idle.score is None
    assert [(row.code, row.rank) for row in rows] == [("CG-WATER", 1), ("CG-AAA", 2)]


@pytest.mark.django_db
def test_units_with_equal_results_are_ranked_by_code(tiny_city: TinyCity) -> None:
    rows = monthly_ranking("2026-10", "squadron")

    assert [(row.code, row.rank, row.score) for row in rows] == [("CG-SQ1", 1, None), ("CG-SQ2", 2, None)]


@pytest.mark.django_db
def test_changing_a_weight_in_the_database_changes_the_score(october: list[Any]) -> None:
    IndicatorFormula.objects.filter(subject_kind="department").exclude(code="ontime_handling_rate").update(
        weight=0
    )

    row = _row(monthly_ranking("2026-10", "department"), "CG-WATER")

    assert row.score_decimal == Decimal("53.33")  # only 按期处置率 counts now


@pytest.mark.django_db
def test_an_inactive_formula_is_left_out(october: list[Any]) -> None:
    IndicatorFormula.objects.filter(subject_kind="department", code="extension_rate").update(is_active=False)

    row = _row(monthly_ranking("2026-10", "department"), "CG-WATER")

    # (50 × 160/3 + 20 × 790/9 + 15 × 85) / 85 = 51275/765 = 67.03
    assert [ind.code for ind in row.indicators] == ["ontime_handling_rate", "handling_rate", "rework_rate"]
    assert row.score_decimal == Decimal("67.03")


@pytest.mark.django_db
def test_returns_count_for_the_unit_of_the_staff_who_returned(
    tiny_city: TinyCity, october: list[Any]
) -> None:
    from chengguan.evaluation.tests.builders import cst, event

    event(
        october[9],
        to_state="returned",
        from_state="accepted",
        at=cst(2026, 10, 9),
        actor=tiny_city.users["department"],
    )

    row = _row(evaluate(period_start=OCT_1, period_end=OCT_31, subject_kind="department"), "CG-WATER")

    assert row.counters["returns"] == 1
