"""Raw counters of the monthly evaluation (综合评价), computed in SQL, and the registry naming them.

The registry is code: which counters exist, what they count and for which subjects. Which counters
an indicator divides, its target and its weight are data (``IndicatorFormula``), edited by admins.

Every counter is a conditional ``Count`` in one ``GROUP BY`` query per subject column, so the number
of queries does not depend on the number of cases (a month of 10⁶ cases is a handful of scans).

The period is ``[start, end)`` in aware datetimes: ``start`` is 00:00 of the first day and ``end``
00:00 of the day after the last day, both in ``settings.CITY_TIME_ZONE`` (a case closed at 23:30 CST
on 31 October counts in October).

Definitions (one case counts at most once in each counter):

* **due (应结案 / 应处置)**: a registered case that was not cancelled, merged or transferred away and
  whose handling deadline (``handle_due``) fell in the period, or that was closed (areas) / reported
  back as handled (units) in the period. Cases suspended longer than a month are thus due in the
  month of their deadline only.
* **suspended (挂账)**: a due case that is suspended now (its suspension began before the end of the
  period) and was not closed / handled in the period. Suspension is read from the case as it is
  now; the stored ``Assessment`` keeps what the month-end run saw. Indicators may subtract it from
  their ``due`` denominator (金华: 应结案数 − 缓办数).
* **closed / closed on time**: ``closed_at`` in the period (and ``closed_on_time``).
* **handled / handled on time**: reported back (``handled_at``) in the period (at or before
  ``handle_due``, which includes approved extensions).
* **rework (返工)**: a handled case of the period that was sent back by verification at least once.
* **extended (延期)**: a due case with at least one approved extension.
* **overdue (超期)**: a due case closed (areas) / handled (units) late in the period, or not yet
  closed / handled at the end of the period although its deadline had passed (suspended cases,
  whose clock is stopped, are not overdue).
* **returns (回退)**: a case that the unit's staff sent back to the dispatcher in the period
  (timeline entries into state ``returned``, counted by the actor's home unit).
* Inspectors: **reports** reported by them in the period, **valid reports** those that were
  registered, **checks due** cases they had to verify (``verify_due`` in the period or verified in
  it), **checks done** verified in the period, **checks on time** verified by ``verify_due``.
* Officers: **beat cases** registered in the period on their beat (``Case.officer``), **handled**
  cases they reported back in the period (timeline entries into ``handled``, by actor), **handled on
  time** when the case's last report-back was by ``handle_due``, **rework** among those handled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case, CaseEvent, CaseState
from chengguan.org.models import DivisionLevel, UnitKind


class SubjectKind:
    """What is evaluated: areas, units and people (CJ/T 292: 区域、部门、岗位)."""

    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    DEPARTMENT = "department"
    SQUADRON = "squadron"
    INSPECTOR = "inspector"
    OFFICER = "officer"

    choices: list[tuple[str, Promise]] = [
        (DISTRICT, _("Districts")),
        (STREET, _("Streets")),
        (COMMUNITY, _("Communities")),
        (GRID, _("Unit grids")),
        (DEPARTMENT, _("Departments")),
        (SQUADRON, _("Squadrons")),
        (INSPECTOR, _("Inspectors")),
        (OFFICER, _("Officers")),
    ]
    values: tuple[str, ...] = tuple(value for value, _label in choices)

    @classmethod
    def label(cls, kind: str) -> str:
        return str(dict(cls.choices)[kind])


AREA = "area"
UNIT = "unit"
INSPECTOR = "inspector"
OFFICER = "officer"

FAMILY = {
    SubjectKind.DISTRICT: AREA,
    SubjectKind.STREET: AREA,
    SubjectKind.COMMUNITY: AREA,
    SubjectKind.GRID: AREA,
    SubjectKind.DEPARTMENT: UNIT,
    SubjectKind.SQUADRON: UNIT,
    SubjectKind.INSPECTOR: INSPECTOR,
    SubjectKind.OFFICER: OFFICER,
}

# Case column holding the code of each area level.
AREA_COLUMN = {
    SubjectKind.DISTRICT: "district_code",
    SubjectKind.STREET: "street_code",
    SubjectKind.COMMUNITY: "community_code",
    SubjectKind.GRID: "grid_code",
}
AREA_LEVEL = {
    SubjectKind.DISTRICT: DivisionLevel.DISTRICT,
    SubjectKind.STREET: DivisionLevel.STREET,
    SubjectKind.COMMUNITY: DivisionLevel.COMMUNITY,
}
UNIT_KIND = {SubjectKind.DEPARTMENT: UnitKind.DEPARTMENT, SubjectKind.SQUADRON: UnitKind.SQUADRON}


@dataclass(frozen=True)
class Counter:
    code: str
    label: Promise
    families: frozenset[str]
    # the counter holding the suspended part of this one (subtracted when a formula says so)
    suspended_part: str = ""


def _c(code: str, label: Promise, *families: str, suspended_part: str = "") -> Counter:
    return Counter(code, label, frozenset(families), suspended_part)


COUNTERS: dict[str, Counter] = {
    c.code: c
    for c in (
        _c("reports", _("reports"), AREA, INSPECTOR),
        _c("valid_reports", _("valid reports"), AREA, INSPECTOR),
        _c("registered", _("registered"), AREA),
        _c("dispatched", _("dispatched"), UNIT),
        _c("due", _("due"), AREA, UNIT, suspended_part="suspended"),
        _c("closed", _("closed"), AREA, UNIT),
        _c("closed_on_time", _("closed on time"), AREA, UNIT),
        _c("handled", _("handled"), AREA, UNIT, OFFICER),
        _c("handled_on_time", _("handled on time"), UNIT, OFFICER),
        _c("rework", _("rework"), AREA, UNIT, OFFICER),
        _c("returns", _("returns"), UNIT),
        _c("callbacks", _("callbacks"), UNIT),
        _c("callbacks_satisfied", _("satisfied callbacks"), UNIT),
        _c("extended", _("extended"), AREA, UNIT),
        _c("overdue", _("overdue"), AREA, UNIT),
        _c("suspended", _("suspended"), AREA, UNIT),
        _c("checks_due", _("checks due"), INSPECTOR),
        _c("checks_done", _("checks done"), INSPECTOR),
        _c("checks_on_time", _("checks on time"), INSPECTOR),
        _c("beat_cases", _("beat cases"), OFFICER),
    )
}


def counters_for(subject_kind: str) -> list[str]:
    """Codes of the counters computed for a kind of subject, in registry order."""
    family = FAMILY[subject_kind]
    return [code for code, counter in COUNTERS.items() if family in counter.families]


# States a case leaves our books in without being worked to the end.
_GONE = [CaseState.CANCELLED, CaseState.MERGED, CaseState.TRANSFERRED, CaseState.REJECTED]


def _between(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _area_conditions(start: dt.datetime, end: dt.datetime) -> dict[str, Q]:
    closed = _between("closed_at", start, end)
    due = Q(registered_at__isnull=False) & ~Q(state__in=_GONE) & (_between("handle_due", start, end) | closed)
    not_closed_by_end = Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    suspended = due & Q(state=CaseState.SUSPENDED, suspended_at__lt=end) & not_closed_by_end
    handled = _between("handled_at", start, end)
    reported = _between("reported_at", start, end)
    return {
        "reports": reported,
        "valid_reports": reported & Q(registered_at__isnull=False),
        "registered": _between("registered_at", start, end),
        "due": due,
        "closed": due & closed,
        "closed_on_time": due & closed & Q(closed_on_time=True),
        "handled": handled,
        "rework": handled & Q(rework_count__gt=0),
        "extended": due & Q(extension_count__gt=0),
        "overdue": due
        & (
            (closed & Q(closed_on_time=False))
            | (not_closed_by_end & Q(handle_due__lt=end) & ~Q(state=CaseState.SUSPENDED))
        ),
        "suspended": suspended,
    }


def _unit_conditions(start: dt.datetime, end: dt.datetime) -> dict[str, Q]:
    handled = _between("handled_at", start, end)
    due = (
        Q(dispatched_at__isnull=False) & ~Q(state__in=_GONE) & (_between("handle_due", start, end) | handled)
    )
    not_handled_by_end = Q(handled_at__isnull=True) | Q(handled_at__gte=end)
    closed = due & _between("closed_at", start, end)
    return {
        "dispatched": _between("dispatched_at", start, end),
        "due": due,
        "closed": closed,
        "closed_on_time": closed & Q(closed_on_time=True),
        "handled": due & handled,
        "handled_on_time": due & handled & Q(handled_at__lte=F("handle_due")),
        "rework": due & handled & Q(rework_count__gt=0),
        "extended": due & Q(extension_count__gt=0),
        "overdue": due
        & (
            (handled & Q(handled_at__gt=F("handle_due")))
            | (not_handled_by_end & Q(handle_due__lt=end) & ~Q(state=CaseState.SUSPENDED))
        ),
        "suspended": due & Q(state=CaseState.SUSPENDED, suspended_at__lt=end) & not_handled_by_end,
    }


def _any_of(conditions: Iterable[Q]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def _grouped(queryset: Any, key: str, conditions: dict[str, Q]) -> dict[Any, dict[str, int]]:
    """One ``GROUP BY key`` query with a conditional count per counter."""
    # aliases prefixed so that none shadows a field (``closed_on_time``) used by a later condition
    annotations = {f"n_{code}": Count("pk", filter=condition) for code, condition in conditions.items()}
    rows = queryset.filter(_any_of(conditions.values())).values(key).annotate(**annotations).order_by()
    return {row[key]: {code: row[f"n_{code}"] for code in conditions} for row in rows}


def area_counters(subject_kind: str, start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
    column = AREA_COLUMN[subject_kind]
    return _grouped(Case.objects.all(), column, _area_conditions(start, end))


def unit_counters(subject_kind: str, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    kind = UNIT_KIND[subject_kind]
    rows = _grouped(
        Case.objects.filter(assigned_unit__kind=kind), "assigned_unit_id", _unit_conditions(start, end)
    )
    returns = (
        CaseEvent.objects.filter(
            _between("at", start, end), to_state=CaseState.RETURNED, actor__unit__kind=kind
        )
        .values("actor__unit_id")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    for row in returns:
        rows.setdefault(row["actor__unit_id"], {})["returns"] = row["n"]
    for unit_id, counts in callback_counters(kind, start, end).items():
        rows.setdefault(unit_id, {}).update(counts)
    return rows


def callback_counters(unit_kind: str, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    """回访 per handling unit: calls made in the period and those that found the reporter satisfied
    (a score from the portal policy's "satisfied" score up)."""
    from chengguan.portal.models import Callback  # the portal records the calls
    from chengguan.portal.services import get_policy

    satisfied = Q(satisfaction__gte=get_policy().satisfied_from)
    rows = (
        Callback.objects.filter(_between("at", start, end), case__assigned_unit__kind=unit_kind)
        .values("case__assigned_unit_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=satisfied))
        .order_by()
    )
    return {
        row["case__assigned_unit_id"]: {"callbacks": row["n"], "callbacks_satisfied": row["ok"]}
        for row in rows
    }


def inspector_counters(start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    reported = _between("reported_at", start, end)
    rows = _grouped(
        Case.objects.filter(reporter__isnull=False),
        "reporter_id",
        {"reports": reported, "valid_reports": reported & Q(registered_at__isnull=False)},
    )
    verified = _between("verified_at", start, end)
    checks = _grouped(
        Case.objects.filter(verifier__isnull=False),
        "verifier_id",
        {
            "checks_due": (_between("verify_due", start, end) | verified) & ~Q(state__in=_GONE),
            "checks_done": verified,
            "checks_on_time": verified & Q(verified_at__lte=F("verify_due")),
        },
    )
    for user_id, values in checks.items():
        rows.setdefault(user_id, {}).update(values)
    return rows


def officer_counters(start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    rows = _grouped(
        Case.objects.filter(officer__isnull=False),
        "officer_id",
        {"beat_cases": _between("registered_at", start, end)},
    )
    handling = (
        CaseEvent.objects.filter(_between("at", start, end), to_state=CaseState.HANDLED, actor__isnull=False)
        .values("actor_id")
        .annotate(
            n_handled=Count("case_id", distinct=True),
            n_handled_on_time=Count(
                "case_id", distinct=True, filter=Q(case__handled_at__lte=F("case__handle_due"))
            ),
            n_rework=Count("case_id", distinct=True, filter=Q(case__rework_count__gt=0)),
        )
        .order_by()
    )
    for row in handling:
        rows.setdefault(row["actor_id"], {}).update(
            handled=row["n_handled"], handled_on_time=row["n_handled_on_time"], rework=row["n_rework"]
        )
    return rows
