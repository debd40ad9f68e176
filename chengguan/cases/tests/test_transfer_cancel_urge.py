"""移交, 作废 and 催办."""

from __future__ import annotations

import pytest

from chengguan.cases import workflow
from chengguan.cases.errors import InvalidTransition
from chengguan.cases.models import CaseEvent, CaseState, Notification, Supervision, SupervisionKind
from chengguan.cases.tests.builders import (
    accepted,
    dispatched,
    handled,
    photo,
    registered,
    reported,
    suspended,
)
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity
from chengguan.org.models import Unit, UnitKind


def test_the_dispatcher_transfers_a_case_to_another_agency_with_a_receipt(tiny_city: TinyCity) -> None:
    police = Unit.objects.create(code="TRAFFIC", name="交警大队", kind=UnitKind.AGENCY)
    case = registered(tiny_city)

    case = workflow.transfer(
        case.pk,
        actor=tiny_city.users["dispatcher"],
        version=case.version,
        agency=police.pk,
        reason="机动车违停，属交警",
    )

    assert case.state == CaseState.TRANSFERRED
    assert case.transferred_to == police
    assert case.current_due is None
    receipt = CaseEvent.objects.get(case=case, action="transfer_receipt")
    assert receipt.payload["agency"]["code"] == "TRAFFIC"
    assert receipt.payload["receipt"].startswith(case.number)
    assert Notification.objects.filter(case=case, unit=police, kind="transferred").exists()


@pytest.mark.parametrize("unit", ["west", "water", "bureau"])
def test_transfer_goes_to_agencies_only(tiny_city: TinyCity, unit: str) -> None:
    case = registered(tiny_city)

    with pytest.raises(InvalidInput) as refused:
        workflow.transfer(
            case.pk,
            actor=tiny_city.users["dispatcher"],
            version=case.version,
            agency=tiny_city.units[unit].pk,
            reason="x",
        )

    assert refused.value.field == "agency"


@pytest.mark.parametrize("build", [reported, registered, dispatched, suspended])
def test_an_open_case_may_be_cancelled(tiny_city: TinyCity, build: object) -> None:
    case = build(tiny_city)  # type: ignore[operator]

    case = workflow.cancel(case.pk, actor=tiny_city.users["dispatcher"], version=case.version, reason="误报")

    assert case.state == CaseState.CANCELLED
    assert case.cancelled_at is not None
    assert case.current_due is None


@pytest.mark.parametrize("build", [accepted, handled])
def test_a_case_in_hand_cannot_be_cancelled(tiny_city: TinyCity, build: object) -> None:
    case = build(tiny_city)  # type: ignore[operator]

    with pytest.raises(InvalidTransition) as conflict:
        workflow.cancel(case.pk, actor=tiny_city.users["dispatcher"], version=case.version, reason="误报")

    assert conflict.value.details["state"] == case.state


def test_the_dispatcher_urges_a_unit(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    urged = workflow.urge(case.pk, actor=tiny_city.users["dispatcher"], note="请尽快")

    assert urged.urge_count == 1
    assert urged.version == case.version  # urging does not make the unit's next step conflict
    assert (
        Supervision.objects.filter(
            case=case, kind=SupervisionKind.URGE, unit=tiny_city.units["water"]
        ).count()
        == 1
    )
    assert Notification.objects.filter(case=case, unit=tiny_city.units["water"], kind="urge").exists()
    workflow.report_back(
        case.pk, actor=tiny_city.users["department"], version=case.version, note="ok", files=[photo()]
    )


def test_only_a_case_in_a_units_hands_is_urged(tiny_city: TinyCity) -> None:
    case = registered(tiny_city)

    with pytest.raises(InvalidTransition):
        workflow.urge(case.pk, actor=tiny_city.users["dispatcher"])
