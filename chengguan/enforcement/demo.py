"""The enforcement part of the demo city: the bundled provisions, types and benchmarks, and a small
ledger that tells scenario 2 of SCENARIOS.md (Mr Liu's first violation, answered with a warm reminder).

``seed_demo()`` is idempotent: the data file is upserted, and the demo ledger is written only when
the ledger is empty and the city has an officer with an enforcement credential.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from chengguan.enforcement.loading import LoadReport, load_bundled_data
from chengguan.enforcement.models import EnforcementStep, Party, PartyKind, ViolationType
from chengguan.enforcement.services import check_record_violation
from chengguan.enforcement.workflow import choose_step
from chengguan.geo.models import Grid
from chengguan.org.access import can_act_at
from chengguan.org.models import User
from chengguan.org.roles import Role

# Identifiers with correct check characters (GB 11643 / GB 32100); invented people and firms.
DEMO_PARTIES = (
    {
        "kind": PartyKind.PERSON,
        "name": "刘建国",
        "id_number": "330203197805120017",
        "phone": "13805741234",
        "usual_place": "鼓楼步行街东口",
    },
    {
        "kind": PartyKind.COMPANY,
        "name": "宁波市甬城渣土运输有限公司",
        "credit_code": "91330203MA2H4QWE0Y",
        "phone": "057487001234",
        "usual_place": "海曙区望春工业园",
    },
    {
        "kind": PartyKind.VEHICLE,
        "name": "浙B7K261 小型轿车",
        "plate": "浙B7K261",
        "usual_place": "中山东路",
    },
)


@dataclass
class DemoReport:
    data: LoadReport
    parties: int = 0
    violations: int = 0


def _demo_officer() -> User | None:
    return (
        User.objects.filter(groups__name=Role.OFFICER, is_active=True, unit__isnull=False)
        .exclude(badge_number="")
        .order_by("pk")
        .first()
    )


def _grid_of(officer: User) -> Grid | None:
    for grid in Grid.objects.order_by("code").iterator():
        if can_act_at(officer, grid.code):
            return grid
    return None


def seed_demo() -> DemoReport:
    report = DemoReport(load_bundled_data())
    if Party.objects.exists():
        return report
    officer = _demo_officer()
    grid = _grid_of(officer) if officer is not None else None
    if officer is None or grid is None:
        return report
    point = grid.geometry.representative_point()
    types = {t.code: t for t in ViolationType.objects.all()}
    now = timezone.now()
    plan = (
        (DEMO_PARTIES[0], "street-occupation", now - dt.timedelta(days=14), "水果摊占用人行道约 3 平方米"),
        (DEMO_PARTIES[1], "muck-truck-spill", now - dt.timedelta(days=3), "渣土车沿路遗撒约 50 米"),
        (
            DEMO_PARTIES[2],
            "pavement-parking",
            now - dt.timedelta(days=1),
            "小型轿车停放在人行道上，驾驶人不在现场",
        ),
    )
    with transaction.atomic():
        for party, code, when, text in plan:
            violation = check_record_violation(
                actor=officer,
                violation_type=types[code],
                lon=point.x,
                lat=point.y,
                new_party=dict(party),
                occurred_at=when,
                address=grid.name or grid.code,
                description=text,
            )
            report.parties += 1
            report.violations += 1
            if violation.proposed_step == EnforcementStep.WARM_REMINDER:
                choose_step(violation, actor=officer, step=violation.proposed_step)
    return report
