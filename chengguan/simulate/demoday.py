"""A morning in the demo city: reports that went through the real workflow, so every console,
work list and dashboard has something to show after ``chengguan demo``.

``simulate_day(seed, reports)`` files reports at points spread over the city (inspectors in their
streets, citizens, hotline callers) and moves each one as far along the closed loop as its lot
says: left in the queue, registered, dispatched, accepted, handled, closed after verification, or
rejected, suspended or merged into a neighbour. Every step is a call of ``intake`` or ``workflow``
by a user whose role and territory allow it, so the timeline, deadlines, notices and audit chain
are the real ones. It is deterministic for a seed (the times are today's).
"""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image

from chengguan.cases import workflow
from chengguan.cases.intake import submit_report
from chengguan.cases.models import Case
from chengguan.catalog.models import Category
from chengguan.core.errors import ChengguanError
from chengguan.geo.models import Grid
from chengguan.org.models import User
from chengguan.org.roles import Role

# How far along each report goes, with its share of the morning.
OUTCOMES: list[tuple[str, int]] = [
    ("reported", 14),
    ("registered", 10),
    ("dispatched", 16),
    ("accepted", 12),
    ("handled", 10),
    ("closed", 24),
    ("rejected", 5),
    ("suspended", 4),
    ("merged", 5),
]
# What a reporter writes, around the category's own name (so the text matches the category).
DESCRIPTIONS = [
    "{name}：现场发现问题，请尽快处置",
    "{name}，影响行人通行",
    "发现{name}问题，已拍照",
    "{name}，附近居民多次反映",
    "{name}，早高峰前需处理",
]
CITIZEN_NAMES = ["张先生", "李女士", "王先生", "陈女士", "刘先生"]


@dataclass
class DayReport:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: int = 0


def _members(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(unit_id=unit_id, is_active=True).order_by("pk"))


def _after_photo(case: Case) -> SimpleUploadedFile:
    """A small JPEG standing in for the unit's after-photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(f"after-{case.number}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _advance(case: Case, outcome: str, staff: dict[str, Any], neighbour: Case | None) -> str:
    """Move ``case`` along the loop up to ``outcome``; the state it reached."""
    if outcome == "reported":
        return case.state
    if outcome == "merged" and neighbour is not None:
        workflow.merge(case.pk, actor=staff["operator"], version=case.version, into=neighbour.pk)
        return "merged"
    if outcome == "rejected":
        workflow.reject(case.pk, actor=staff["operator"], version=case.version, reason="不属于城市管理问题")
        return "rejected"
    case = workflow.register(case.pk, actor=staff["operator"], version=case.version)
    if outcome == "registered":
        return case.state
    case = workflow.dispatch(case.pk, actor=staff["dispatcher"], version=case.version)
    handler = next((m for m in _members(case.assigned_unit_id) if workflow.can_do("accept", case, m)), None)
    if outcome == "dispatched" or handler is None:
        return case.state
    case = workflow.accept(case.pk, actor=handler, version=case.version)
    if outcome == "accepted":
        return case.state
    if outcome == "suspended":
        workflow.suspend(
            case.pk, actor=staff["dispatcher"], version=case.version, reason="等待道路施工后处理"
        )
        return "suspended"
    case = workflow.report_back(
        case.pk, actor=handler, version=case.version, note="已现场处置完毕", files=[_after_photo(case)]
    )
    if outcome == "handled" or case.verifier_id is None:
        return case.state
    case = workflow.verify(case.pk, actor=case.verifier, version=case.version, passed=True, note="")
    return case.state


def simulate_day(seed: int = 2026, reports: int = 120) -> DayReport:
    """File ``reports`` reports and move them along the workflow (see the module docstring)."""
    rng = random.Random(seed)
    staff = {
        "operator": User.objects.filter(groups__name=Role.OPERATOR, is_active=True).order_by("pk").first(),
        "dispatcher": User.objects.filter(groups__name=Role.DISPATCHER, is_active=True)
        .order_by("pk")
        .first(),
    }
    if staff["operator"] is None or staff["dispatcher"] is None:
        raise ChengguanError(_("The demo day needs an operator and a dispatcher."))
    categories = list(Category.objects.filter(is_active=True).order_by("kind", "code"))
    grids = list(Grid.objects.exclude(inspector=None).select_related("inspector").order_by("code"))
    if not categories or not grids:
        raise ChengguanError(_("The demo day needs the catalog and a city with inspectors."))
    outcomes = [name for name, weight in OUTCOMES for _ in range(weight)]
    report = DayReport()
    recent: dict[int, Case] = {}
    for _i in range(reports):
        grid = rng.choice(grids)
        category = rng.choice(categories)
        point = grid.geometry.representative_point()
        outcome = rng.choice(outcomes)
        neighbour = recent.get(category.pk) if outcome == "merged" else None
        lon, lat = point.x, point.y
        if neighbour is not None:
            lon, lat = neighbour.lon + 0.00005, neighbour.lat  # a few metres away
        how = rng.random()
        if how < 0.5:
            source, actor, extra = "inspector", grid.inspector, {}
        elif how < 0.8:
            source, actor = "citizen", None
            extra = {
                "reporter_name": rng.choice(CITIZEN_NAMES),
                "reporter_phone": f"139{rng.randrange(10**8):08d}",
            }
        else:
            source, actor = "hotline", staff["operator"]
            extra = {
                "reporter_name": rng.choice(CITIZEN_NAMES),
                "reporter_phone": f"138{rng.randrange(10**8):08d}",
            }
        try:
            case = submit_report(
                actor=actor,
                source=source,
                category=category,
                lon=lon,
                lat=lat,
                description=rng.choice(DESCRIPTIONS).format(name=category.name_zh),
                urgency="urgent" if rng.random() < 0.1 else "normal",
                with_duplicates=False,
                **extra,
            ).case
        except ChengguanError:
            report.skipped += 1  # a report this city refuses (a point outside every grid, say)
            continue
        try:
            reached = _advance(case, outcome, staff, neighbour)
        except ChengguanError:
            reached = Case.objects.get(pk=case.pk).state  # a step this city cannot take: stop there
        report.cases += 1
        report.outcomes[str(reached)] += 1
        if reached not in ("merged", "rejected", "closed"):
            recent[category.pk] = Case.objects.get(pk=case.pk)
    return report
