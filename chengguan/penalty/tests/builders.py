"""Drive a proceeding through the workflow functions to a given point (for the rule tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import time_machine

from chengguan.core.testing import TinyCity
from chengguan.penalty import workflow
from chengguan.penalty.models import Proceeding
from chengguan.penalty.tests.conftest import local, wav


def opened(city: TinyCity, violation: Any, **kw: Any) -> Proceeding:
    u = city.users
    with time_machine.travel(kw.pop("at", local(2026, 9, 21, 9, 0)), tick=False):
        p = workflow.open_proceeding(
            violation, actor=u["officer"], officers=[u["officer"].pk, u["officer2"].pk], **kw
        )
        return workflow.add_record(
            p,
            actor=u["officer"],
            version=p.version,
            kind="site_inspection",
            place="中山东路 1 号",
            content="现场检查：人行道上摆放水果摊",
            officers=[u["officer"].pk, u["officer2"].pk],
            files=[wav()],
        )


def noticed(city: TinyCity, violation: Any, fine: str = "200", **kw: Any) -> Proceeding:
    p = opened(city, violation, **kw)
    u = city.users
    with time_machine.travel(local(2026, 9, 22, 9, 0), tick=False):
        p = workflow.issue_notice(
            p,
            actor=u["officer"],
            version=p.version,
            facts="摆摊",
            reasons="再次违法",
            legal_basis="第十七条",
            penalty_kind="fine",
            fine=Decimal(fine),
        )
        return workflow.serve_notice(
            p, actor=u["officer"], version=p.version, method="in_person", recipient="刘某"
        )


def awaiting_decision(city: TinyCity, violation: Any, fine: str = "200", **kw: Any) -> Proceeding:
    p = noticed(city, violation, fine, **kw)
    with time_machine.travel(local(2026, 9, 23, 9, 0), tick=False):
        return workflow.waive(
            p, actor=city.users["officer"], version=p.version, content="当事人书面放弃陈述申辩"
        )
