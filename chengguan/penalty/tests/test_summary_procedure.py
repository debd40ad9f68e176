"""The summary procedure (简易程序) on the spot through the API: its limits and its conditions."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from chengguan.core.testing import TinyCity
from chengguan.penalty.models import Proceeding
from chengguan.penalty.tests.conftest import Clients, local, make_violation, wav

URL = "/api/v1/penalty/proceedings/summary/"


def body(city: TinyCity, violation: Any, **kw: Any) -> dict[str, Any]:
    data = {
        "violation": violation.pk,
        "officers": [city.users["officer"].pk, city.users["officer2"].pk],
        "penalty_kind": "fine",
        "fine": "200.00",
        "facts": "当场查明：在人行道上摆摊经营",
        "legal_basis": "《城市市容和环境卫生管理条例》第十七条",
        "rights_told": True,
        "files": [wav()],
    }
    data.update(kw)
    return data


@pytest.fixture(autouse=True)
def _monday() -> Any:
    with time_machine.travel(local(2026, 11, 23, 10, 0), tick=False):
        yield


def test_a_person_is_fined_200_yuan_on_the_spot(as_user: Clients, city: TinyCity, violation: Any) -> None:
    response = as_user("officer").post(URL, body(city, violation), format="multipart")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["procedure"] == "summary" and data["state"] == "awaiting_payment"
    assert data["services"][0]["method"] == "in_person"  # handed over at once
    assert data["payment_due"] == "2026-12-08"  # 15 days
    pending = {p["step"]: p for p in data["pending"]}
    assert pending["summary_filing"]["due"] == "2026-11-26"  # 3 working days


@pytest.mark.parametrize(
    ("kind", "fine", "status"),
    [
        ("person", "200.01", 400),
        ("company", "3000.00", 201),
        ("company", "3000.01", 400),
        ("individual_business", "300", 400),
    ],
)
def test_the_summary_limits_depend_on_the_party(
    as_user: Clients, city: TinyCity, kind: str, fine: str, status: int
) -> None:
    violation = make_violation(city, kind=kind)
    response = as_user("officer").post(URL, body(city, violation, fine=fine), format="multipart")
    assert response.status_code == status, response.json()
    if status == 400:
        assert response.json()["details"]["rule"] == "summary_limit"
        assert not Proceeding.objects.exists()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"officers": "ONE"}, "two_officers"),
        ({"rights_told": False}, "notice_of_rights"),
        ({"files": []}, "recording"),
        ({"penalty_kind": "licence"}, "summary_limit"),
    ],
)
def test_the_summary_procedure_refuses_without_its_conditions(
    as_user: Clients, city: TinyCity, violation: Any, change: dict[str, Any], rule: str
) -> None:
    if change.get("officers") == "ONE":
        change = {"officers": [city.users["officer"].pk]}
    data = body(city, violation, **change)
    if not data["files"]:
        data.pop("files")
    response = as_user("officer").post(URL, data, format="multipart")
    assert response.status_code == 400, response.json()
    assert response.json()["details"]["rule"] == rule
    assert not Proceeding.objects.exists()


def test_an_officer_without_a_valid_credential_does_not_count(
    as_user: Clients, city: TinyCity, violation: Any
) -> None:
    city.users["officer2"].enforcement_credentials.update(valid_until="2026-11-22")
    response = as_user("officer").post(URL, body(city, violation), format="multipart")
    assert response.status_code == 400
    assert response.json()["details"]["rule"] == "two_officers"


@pytest.mark.parametrize("username", ["inspector", "citizen", "outsider", "reviewer"])
def test_others_may_not_decide_on_the_spot(
    as_user: Clients, city: TinyCity, violation: Any, username: str
) -> None:
    response = as_user(username).post(URL, body(city, violation), format="multipart")
    assert response.status_code == 403
    assert not Proceeding.objects.exists()


def test_the_on_the_spot_decision_is_filed_once(as_user: Clients, city: TinyCity, violation: Any) -> None:
    data = as_user("officer").post(URL, body(city, violation), format="multipart").json()
    url = f"/api/v1/penalty/proceedings/{data['id']}/file-summary/"
    assert as_user("inspector").post(url, {"version": data["version"]}, format="json").status_code == 403
    filed = as_user("squadron_leader").post(url, {"version": data["version"]}, format="json")
    assert filed.status_code == 200
    assert "summary_filing" not in {p["step"] for p in filed.json()["pending"]}
    again = as_user("squadron_leader").post(url, {"version": filed.json()["version"]}, format="json")
    assert again.status_code == 409
