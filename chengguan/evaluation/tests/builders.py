"""Cases written straight into the database, milestones and all, for evaluation tests.

The evaluation reads what the workflow leaves on ``Case`` and ``CaseEvent``; building those rows
directly keeps these tests independent of the workflow functions and fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from chengguan.cases.models import Case, CaseEvent, CaseState, Source
from chengguan.catalog.models import Category, CategoryKind, MajorClass

CST = ZoneInfo("Asia/Shanghai")
WEST_GRID = "330203001001001"
EAST_GRID = "330212001001001"

_numbers = itertools.count(1)


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment given on the city's clock (China Standard Time)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CST)


def sewage_cover() -> Category:
    """Component 0102 污水井盖 from the seeded catalog (created if the catalog is empty)."""
    found = Category.objects.filter(kind=CategoryKind.COMPONENT, code="0102").first()
    if found is not None:
        return found
    major, _ = MajorClass.objects.get_or_create(
        kind=CategoryKind.COMPONENT, code="01", defaults={"name_zh": "公用设施"}
    )
    return Category.objects.create(major=major, kind=CategoryKind.COMPONENT, code="0102", name_zh="污水井盖")


def make_case(*, grid: str = WEST_GRID, reported_at: dt.datetime, **fields: Any) -> Case:
    """A case in ``grid`` with the given milestones; defaults make a fresh inspector report."""
    values: dict[str, Any] = {
        "number": f"T{next(_numbers):08d}",
        "category": fields.pop("category", None) or sewage_cover(),
        "source": Source.INSPECTOR,
        "lon": 121.535,
        "lat": 29.875,
        "grid_code": grid,
        "community_code": grid[:12],
        "street_code": grid[:9],
        "district_code": grid[:6],
        "reported_at": reported_at,
        "state": CaseState.REPORTED,
    }
    values.update(fields)
    return Case.objects.create(**values)


def dispatched_case(
    *,
    unit: Any,
    handle_due: dt.datetime,
    dispatched_at: dt.datetime,
    handled_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    state: str | None = None,
    **fields: Any,
) -> Case:
    """A registered case dispatched to ``unit``; handled and closed when those moments are given."""
    reported_at = fields.pop("reported_at", dispatched_at - dt.timedelta(hours=1))
    if state is None:
        state = CaseState.CLOSED if closed_at else CaseState.HANDLED if handled_at else CaseState.ACCEPTED
    closed_on_time = fields.pop("closed_on_time", None)
    if closed_at is not None and closed_on_time is None:
        closed_on_time = (handled_at or closed_at) <= handle_due
    return make_case(
        reported_at=reported_at,
        registered_at=fields.pop("registered_at", reported_at + dt.timedelta(minutes=20)),
        dispatched_at=dispatched_at,
        accepted_at=dispatched_at + dt.timedelta(minutes=10),
        assigned_unit=unit,
        handle_due=handle_due,
        handled_at=handled_at,
        verified_at=closed_at,
        closed_at=closed_at,
        closed_on_time=closed_on_time,
        state=state,
        **fields,
    )


def event(
    case: Case, *, to_state: str, at: dt.datetime, actor: Any = None, from_state: str = ""
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=to_state, actor=actor, at=at, from_state=from_state, to_state=to_state
    )


def water_month(water: Any) -> list[Case]:
    """October 2026 of the water department, the month the hand computations below describe.

    10 cases dispatched on 8 October, all due 10 October 17:00:
    1–6 handled on 9 October and closed on time (case 1 needed one rework, case 2 one extension),
    7–8 handled late on 12 October and closed late, 9 suspended (挂账), 10 still open and overdue.
    """
    due = cst(2026, 10, 10, 17)
    sent = cst(2026, 10, 8, 9)
    cases = []
    for i in range(1, 7):
        cases.append(
            dispatched_case(
                unit=water,
                handle_due=due,
                dispatched_at=sent,
                handled_at=cst(2026, 10, 9, 10),
                closed_at=cst(2026, 10, 9, 11),
                rework_count=1 if i == 1 else 0,
                extension_count=1 if i == 2 else 0,
            )
        )
    for _i in range(2):
        cases.append(
            dispatched_case(
                unit=water,
                handle_due=due,
                dispatched_at=sent,
                handled_at=cst(2026, 10, 12, 10),
                closed_at=cst(2026, 10, 12, 15),
            )
        )
    cases.append(
        dispatched_case(
            unit=water,
            handle_due=due,
            dispatched_at=sent,
            state=CaseState.SUSPENDED,
            suspended_at=cst(2026, 10, 9, 9),
            suspended_from=CaseState.ACCEPTED,
        )
    )
    cases.append(dispatched_case(unit=water, handle_due=due, dispatched_at=sent))
    return cases
