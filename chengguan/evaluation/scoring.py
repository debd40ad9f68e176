"""Indicator values, indicator scores and the composite value: pure arithmetic, exact until rounded.

Values are shares (0.75 for 75 %) rounded to 4 decimals; scores are 0–100 rounded to 2 decimals.
Everything is computed with exact fractions from the counters and rounded (half up) only at the end,
so a result can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from chengguan.evaluation.counters import COUNTERS

VALUE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class FormulaSpec:
    """What the scoring needs of an ``IndicatorFormula`` (so that it works without the database)."""

    code: str
    name: str
    numerator: str
    denominator: str
    target: Decimal
    weight: Decimal
    lower_is_better: bool = False
    exclude_suspended: bool = True
    points_per_pct: Decimal = Decimal(2)

    @classmethod
    def from_formula(cls, formula: Any) -> FormulaSpec:
        return cls(
            code=formula.code,
            name=formula.localized_name,
            numerator=formula.numerator,
            denominator=formula.denominator,
            target=formula.target,
            weight=formula.weight,
            lower_is_better=formula.lower_is_better,
            exclude_suspended=formula.exclude_suspended,
            points_per_pct=formula.points_per_pct,
        )


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    numerator: int
    denominator: int
    value: Fraction | None
    score: Fraction | None
    weight: Decimal
    target: Decimal
    lower_is_better: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": _decimal_str(self.value, VALUE_PLACES),
            "score": _decimal_str(self.score, SCORE_PLACES),
            "weight": str(self.weight),
            "target": str(self.target),
            "lower_is_better": self.lower_is_better,
        }


def rounded(value: Fraction | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _decimal_str(value: Fraction | None, places: Decimal) -> str | None:
    result = rounded(value, places)
    return None if result is None else str(result)


def denominator_of(spec: FormulaSpec, counters: dict[str, int]) -> int:
    """The denominator counter, less its suspended part when the formula excludes suspended cases."""
    total = counters.get(spec.denominator, 0)
    counter = COUNTERS.get(spec.denominator)
    if spec.exclude_suspended and counter is not None and counter.suspended_part:
        total -= counters.get(counter.suspended_part, 0)
    return max(total, 0)


def indicator_value(spec: FormulaSpec, counters: dict[str, int]) -> tuple[int, int, Fraction | None]:
    """(numerator, denominator, value); the value is None when the denominator is 0."""
    numerator = counters.get(spec.numerator, 0)
    denominator = denominator_of(spec, counters)
    if denominator == 0:
        return numerator, denominator, None
    return numerator, denominator, Fraction(numerator, denominator)


def indicator_score(spec: FormulaSpec, value: Fraction | None) -> Fraction | None:
    """100 at or beyond the target, then ``points_per_pct`` less per percentage point missed, ≥ 0."""
    if value is None:
        return None
    target = Fraction(spec.target)
    shortfall = value - target if spec.lower_is_better else target - value
    if shortfall <= 0:
        return Fraction(100)
    score = 100 - Fraction(spec.points_per_pct) * shortfall * 100
    return max(score, Fraction(0))


def evaluate_indicators(specs: list[FormulaSpec], counters: dict[str, int]) -> list[IndicatorResult]:
    results = []
    for spec in specs:
        numerator, denominator, value = indicator_value(spec, counters)
        results.append(
            IndicatorResult(
                code=spec.code,
                name=spec.name,
                numerator=numerator,
                denominator=denominator,
                value=value,
                score=indicator_score(spec, value),
                weight=spec.weight,
                target=spec.target,
                lower_is_better=spec.lower_is_better,
            )
        )
    return results


def composite_score(results: list[IndicatorResult]) -> Fraction | None:
    """Weighted mean of the indicator scores that exist (weights of missing values drop out).

    None when no indicator has a value (nothing was due): such subjects rank last.
    """
    scored = [(Fraction(r.weight), r.score) for r in results if r.score is not None and r.weight > 0]
    total_weight = sum((weight for weight, _score in scored), Fraction(0))
    if total_weight == 0:
        return None
    return sum((weight * score for weight, score in scored), Fraction(0)) / total_weight
