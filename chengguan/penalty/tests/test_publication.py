"""公示: a penalty decision is published on the portal with the party masked, and a correction
replaces it (the old publication is withdrawn with the reason)."""

from __future__ import annotations

from typing import Any

import time_machine

from chengguan.core.testing import TinyCity
from chengguan.penalty import workflow
from chengguan.penalty.publication import SOURCE
from chengguan.penalty.tests.builders import awaiting_decision
from chengguan.penalty.tests.conftest import local
from chengguan.portal.models import Publication


def test_a_decision_is_published_masked_and_a_correction_replaces_it(city: TinyCity, violation: Any) -> None:
    u = city.users
    p = awaiting_decision(city, violation, "500")
    party_name = p.party.name
    with time_machine.travel(local(2026, 9, 24, 9, 0), tick=False):
        p = workflow.decide(p, actor=u["squadron_leader"], version=p.version)
        first = p.current_decision()
        published = Publication.objects.get(source_type=SOURCE, source_id=str(first.pk))
        assert published.kind == "penalty_decision" and published.withdrawn_at is None
        assert first.number in published.title
        assert "500" in published.body
        assert party_name not in published.title + published.body  # masked as 刘* and the like
        assert party_name[0] in published.body
        p = workflow.propose_correction(
            p, actor=u["squadron_leader"], version=p.version, new_fine="300", reason="计算错误"
        )
        p = workflow.decide_correction(p, actor=u["reviewer"], version=p.version, approve=True)
    published.refresh_from_db()
    assert published.withdrawn_at is not None and "计算错误" in published.withdrawal_reason
    current = Publication.objects.get(source_type=SOURCE, source_id=str(p.current_decision().pk))
    assert current.withdrawn_at is None and "300" in current.body
