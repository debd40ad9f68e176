"""先罚后返: the items go back once the penalty is paid; a decision that confiscates them keeps them
for disposal."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.penalty.models import Decision, Proceeding
from chengguan.seizures import services, workflow
from chengguan.seizures.errors import LegalBar
from chengguan.seizures.models import ReleaseKind, SeizureState
from chengguan.seizures.tests.conftest import local, seize

pytestmark = pytest.mark.django_db


def decided(city, violation, *, number: str, kind: str = "fine", confiscation: str = "0") -> Decision:
    """A penalty decision on ``violation`` (rows written directly: the procedure is the penalty app's)."""
    u = city.users
    proceeding = Proceeding.objects.create(
        number="P-" + number,
        procedure="ordinary",
        state="awaiting_payment",
        violation=violation,
        party=violation.party,
        grid_code=violation.grid_code,
        district_code=violation.district_code,
        occurred_on=local(2026, 8, 31).date(),
        opened_at=local(2026, 9, 1, 11, 0),
        opened_on=local(2026, 9, 1).date(),
        opened_by=u["officer"],
    )
    return Decision.objects.create(
        proceeding=proceeding,
        number=number,
        outcome="penalty",
        penalty_kind=kind,
        fine=Decimal("500"),
        confiscation=Decimal(confiscation),
        decided_by=u["leader"],
        decided_at=local(2026, 9, 10, 9, 0),
    )


def test_the_items_are_released_when_the_penalty_is_paid_and_returned_the_same_day(city, violation):
    seizure = seize(city, violation)
    decided(city, violation, number="城管罚决字〔2026〕1号")
    # when the penalty app reports the payment
    with time_machine.travel(local(2026, 9, 18, 10, 0), tick=False):
        released = services.on_penalty_paid(violation)
    # then the seizure is released as "return after penalty"
    assert [s.pk for s in released] == [seizure.pk]
    seizure.refresh_from_db()
    assert seizure.state == SeizureState.RELEASED
    assert seizure.release_kind == ReleaseKind.PENALTY_PAID
    # and calling it again changes nothing
    assert services.on_penalty_paid(violation) == []
    # and the items are handed back against a receipt
    with time_machine.travel(local(2026, 9, 18, 15, 0), tick=False):
        seizure = workflow.return_items(
            seizure,
            actor=city.users["officer"],
            version=seizure.version,
            returned_to="周某",
            receipt_number="R-1",
        )
    assert seizure.state == SeizureState.RETURNED
    assert (
        AuditEntry.objects.filter(action="seizures.release_after_penalty", target_id=str(seizure.pk)).count()
        == 1
    )


def test_a_seizure_not_marked_return_after_penalty_stays(city, violation):
    seizure = seize(city, violation, return_after_penalty=False)
    assert services.on_penalty_paid(violation) == []
    seizure.refresh_from_db()
    assert seizure.state == SeizureState.IN_FORCE


def test_a_confiscating_decision_keeps_the_items_for_disposal(city, violation):
    seizure = seize(city, violation)
    decided(city, violation, number="城管罚决字〔2026〕2号", kind="confiscation", confiscation="300")
    assert services.on_penalty_paid(violation) == []
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False):
        seizure = workflow.dispose(
            seizure,
            actor=city.users["squadron_leader"],
            version=seizure.version,
            method="confiscated",
            decision_number="城管罚决字〔2026〕2号",
        )
    assert seizure.state == SeizureState.DISPOSED
    assert seizure.disposal_decision == "城管罚决字〔2026〕2号"


def test_disposal_without_a_confiscating_decision_is_refused(city, violation):
    seizure = seize(city, violation)
    decided(city, violation, number="城管罚决字〔2026〕3号")  # a fine only
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False), pytest.raises(LegalBar) as refused:
        workflow.dispose(
            seizure,
            actor=city.users["squadron_leader"],
            version=seizure.version,
            method="confiscated",
            decision_number="城管罚决字〔2026〕3号",
        )
    assert refused.value.details["rule"] == "no_confiscation"
    seizure.refresh_from_db()
    assert seizure.state == SeizureState.IN_FORCE
