"""Reads of the evaluation: the ranking of a kind of subject over a period.

``evaluate`` runs a constant number of queries: the active formulas, the subjects, and one or two
aggregate queries of counters (see ``counters.py``), whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengguan.core.clock import city_zone
from chengguan.core.errors import InvalidInput
from chengguan.evaluation import counters as c
from chengguan.evaluation.counters import SubjectKind
from chengguan.evaluation.models import Assessment, IndicatorFormula
from chengguan.evaluation.scoring import (
    SCORE_PLACES,
    FormulaSpec,
    IndicatorResult,
    composite_score,
    evaluate_indicators,
    rounded,
)
from chengguan.geo.models import Grid
from chengguan.org.models import Division, Unit, User
from chengguan.org.roles import Role

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

# Roles whose people are ranked as officers (handling on the street).
OFFICER_ROLES = (Role.OFFICER, Role.AUXILIARY)


@dataclass
class Subject:
    key: Any  # what the counters are grouped by: a code, a unit id or a user id
    code: str
    name: str
    unit_id: int | None = None  # the unit itself (units) or the person's home unit (people)


@dataclass
class RankingRow:
    subject_kind: str
    code: str
    name: str
    counters: dict[str, int]
    indicators: list[IndicatorResult]
    score: Fraction | None
    rank: int = 0
    unit_id: int | None = field(default=None, repr=False)

    @property
    def score_decimal(self) -> Decimal | None:
        return rounded(self.score, SCORE_PLACES)

    def to_dict(self) -> dict[str, Any]:
        score = self.score_decimal
        return {
            "rank": self.rank,
            "subject_kind": self.subject_kind,
            "code": self.code,
            "name": self.name,
            "score": None if score is None else str(score),
            "counters": dict(self.counters),
            "indicators": [indicator.to_dict() for indicator in self.indicators],
        }


def parse_month(month: str) -> tuple[dt.date, dt.date]:
    """``"2026-10"`` → (1 October 2026, 31 October 2026); ``InvalidInput`` for anything else."""
    match = MONTH_RE.match(month or "")
    number = int(match.group(2)) if match else 0
    if match is None or not 1 <= number <= 12:
        raise InvalidInput(
            _("A month is written YYYY-MM, for example 2026-10; got %(value)r.") % {"value": month},
            field="month",
        )
    first = dt.date(int(match.group(1)), number, 1)
    following = dt.date(first.year + (number == 12), number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def period_bounds(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` as aware moments: midnight in the city's zone, end exclusive."""
    if period_end < period_start:
        raise InvalidInput(_("The period ends before it starts."), field="period_end")
    zone = city_zone()
    start = dt.datetime.combine(period_start, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def check_subject_kind(subject_kind: str) -> str:
    if subject_kind not in SubjectKind.values:
        raise InvalidInput(
            _("Unknown subject %(value)r; choose one of: %(choices)s.")
            % {"value": subject_kind, "choices": ", ".join(SubjectKind.values)},
            field="subject",
        )
    return subject_kind


def get_formulas(*, subject_kind: str) -> list[FormulaSpec]:
    formulas = IndicatorFormula.objects.filter(subject_kind=subject_kind, is_active=True)
    return [FormulaSpec.from_formula(formula) for formula in formulas]


def _people(roles: tuple[str, ...]) -> list[Subject]:
    users = (
        User.objects.filter(groups__name__in=roles, is_active=True)
        .distinct()
        .values_list("pk", "username", "name", "unit_id")
    )
    return [Subject(pk, username, name or username, unit_id) for pk, username, name, unit_id in users]


def get_subjects(*, subject_kind: str) -> list[Subject]:
    """Everyone and everything of that kind that is ranked, with or without cases in the period."""
    if subject_kind in c.AREA_LEVEL:
        rows = Division.objects.filter(level=c.AREA_LEVEL[subject_kind]).values_list("code", "name")
        return [Subject(code, code, name) for code, name in rows]
    if subject_kind == SubjectKind.GRID:
        return [Subject(code, code, name or code) for code, name in Grid.objects.values_list("code", "name")]
    if subject_kind in c.UNIT_KIND:
        units = Unit.objects.filter(kind=c.UNIT_KIND[subject_kind]).values_list("pk", "code", "name")
        return [Subject(pk, code, name, pk) for pk, code, name in units]
    if subject_kind == SubjectKind.INSPECTOR:
        return _people((Role.INSPECTOR,))
    return _people(OFFICER_ROLES)


def get_counters(*, subject_kind: str, start: dt.datetime, end: dt.datetime) -> dict[Any, dict[str, int]]:
    family = c.FAMILY[subject_kind]
    if family == c.AREA:
        return c.area_counters(subject_kind, start, end)
    if family == c.UNIT:
        return c.unit_counters(subject_kind, start, end)
    if family == c.INSPECTOR:
        return c.inspector_counters(start, end)
    return c.officer_counters(start, end)


def rank_rows(rows: list[RankingRow]) -> list[RankingRow]:
    """Best composite first; no composite (nothing due) last; ties broken by code."""
    rows.sort(key=lambda row: (row.score is None, -(row.score or 0), row.code))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


def evaluate(*, period_start: dt.date, period_end: dt.date, subject_kind: str) -> list[RankingRow]:
    """The ranking of every subject of ``subject_kind`` over the days ``period_start``–``period_end``."""
    check_subject_kind(subject_kind)
    start, end = period_bounds(period_start, period_end)
    specs = get_formulas(subject_kind=subject_kind)
    counted = get_counters(subject_kind=subject_kind, start=start, end=end)
    subjects = {subject.key: subject for subject in get_subjects(subject_kind=subject_kind)}
    if subject_kind in c.AREA_COLUMN:
        # codes on cases that the territory no longer lists (re-gridding) are still ranked
        for code in counted.keys() - subjects.keys():
            if code:
                subjects[code] = Subject(code, code, code)
    names = c.counters_for(subject_kind)
    rows = []
    for key, subject in subjects.items():
        found = counted.get(key, {})
        values = {name: int(found.get(name) or 0) for name in names}
        indicators = evaluate_indicators(specs, values)
        rows.append(
            RankingRow(
                subject_kind=subject_kind,
                code=subject.code,
                name=subject.name,
                counters=values,
                indicators=indicators,
                score=composite_score(indicators),
                unit_id=subject.unit_id,
            )
        )
    return rank_rows(rows)


def monthly_ranking(month: str, subject_kind: str) -> list[RankingRow]:
    """The ranking of a calendar month in the city's zone, e.g. ``monthly_ranking("2026-10", "squadron")``."""
    first, last = parse_month(month)
    return evaluate(period_start=first, period_end=last, subject_kind=subject_kind)


def get_assessments(*, period_start: dt.date, period_end: dt.date, subject_kind: str) -> list[Assessment]:
    return list(
        Assessment.objects.filter(
            Q(period_start=period_start, period_end=period_end), subject_kind=subject_kind
        ).order_by("rank")
    )
