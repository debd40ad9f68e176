"""POST /api/v1/cases/{id}/transfer/: the case goes to another agency, with a receipt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases.tests.api.conftest import Clients, case_state
from chengguan.core.testing import TinyCity
from chengguan.org.models import Unit, UnitKind

Report = Callable[..., dict[str, Any]]


@pytest.fixture
def registered(as_user: Clients, file_report: Report, tiny_city: TinyCity) -> dict[str, Any]:
    Unit.objects.create(code="GA-JJ", name="交警大队", kind=UnitKind.AGENCY)
    case = file_report("inspector")
    response = as_user("operator").post(
        f"/api/v1/cases/{case['id']}/register/", {"version": 1}, format="json"
    )
    return response.json()


def test_the_dispatcher_transfers_a_case_to_an_agency(as_user: Clients, registered: dict[str, Any]) -> None:
    response = as_user("dispatcher").post(
        f"/api/v1/cases/{registered['id']}/transfer/",
        {"version": registered["version"], "agency": "GA-JJ", "reason": "机动车违停，属交警职责"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "transferred"
    assert body["transferred_to"] == {"code": "GA-JJ", "name": "交警大队"}
    receipt = [e for e in body["timeline"] if e["action"] == "transfer_receipt"]
    assert receipt[0]["payload"]["agency"]["code"] == "GA-JJ"


def test_it_refuses_transfer_by_a_wrong_role_or_the_outsider(
    as_user: Clients, registered: dict[str, Any]
) -> None:
    for username in ("operator", "officer", "outsider"):
        response = as_user(username).post(
            f"/api/v1/cases/{registered['id']}/transfer/",
            {"version": registered["version"], "agency": "GA-JJ", "reason": "交警"},
            format="json",
        )
        assert response.status_code == 403, username
        assert response.json()["code"] == "access_denied"
    assert case_state(registered["id"]) == ("registered", registered["version"])


@pytest.mark.parametrize("agency", ["NOPE", "CG-SQ1"])
def test_it_refuses_an_unknown_unit_or_one_that_is_no_agency(
    as_user: Clients, registered: dict[str, Any], agency: str
) -> None:
    response = as_user("dispatcher").post(
        f"/api/v1/cases/{registered['id']}/transfer/",
        {"version": registered["version"], "agency": agency, "reason": "交警"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "agency"
