"""POST /api/v1/enforcement/violations/: record a violation and get the proposed step."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.enforcement.models import EnforcementStep, Party, Violation
from chengguan.enforcement.tests.builders import LIU, at
from chengguan.enforcement.tests.conftest import EAST, WEST

URL = "/api/v1/enforcement/violations/"
pytestmark = pytest.mark.usefixtures("in_english")


def body(**kw):
    data = {"violation_type": "street-occupation", "lon": WEST[0], "lat": WEST[1], "new_party": dict(LIU)}
    data.update(kw)
    return data


@time_machine.travel(at(2026, 6, 1, 19), tick=False)
def test_it_records_a_first_violation_and_proposes_a_warm_reminder(city, api) -> None:
    response = api(city.users["officer"]).post(URL, body(description="水果摊占道"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["proposed_step"] == EnforcementStep.WARM_REMINDER
    assert data["status"] == "proposed"
    assert data["grid_code"] == "330203001001001"
    assert data["category"] == "0504"
    assert "No earlier violation" in data["proposal_basis"]["reasons"][0]
    assert data["party"]["id_number"] == LIU["id_number"]
    assert AuditEntry.objects.filter(action="enforcement.violation_recorded").count() == 1


def test_an_auxiliary_may_record_and_sees_the_party_masked(city, api) -> None:
    response = api(city.users["auxiliary"]).post(URL, body(), format="json")
    assert response.status_code == 201
    assert response.json()["party"]["id_number"] == "330203********0017"


def test_it_records_against_an_existing_party(city, api) -> None:
    party = Party.objects.create(kind="person", name="刘建国", phone="13805741234")
    response = api(city.users["officer"]).post(URL, body(new_party=None, party=party.pk) | {}, format="json")
    assert response.status_code == 400  # new_party: null is not a party description
    data = body(party=party.pk)
    del data["new_party"]
    response = api(city.users["officer"]).post(URL, data, format="json")
    assert response.status_code == 201
    assert response.json()["party"]["id"] == party.pk


def test_it_refuses_both_an_existing_and_a_new_party(city, api) -> None:
    party = Party.objects.create(kind="person", name="刘建国")
    response = api(city.users["officer"]).post(URL, body(party=party.pk), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "party"


def test_it_refuses_a_wrong_id_check_digit_and_writes_nothing(city, api) -> None:
    bad = dict(LIU, id_number="330203197805120018")
    response = api(city.users["officer"]).post(URL, body(new_party=bad), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "new_party.id_number"
    assert not Party.objects.exists() and not Violation.objects.exists()


def test_it_refuses_a_new_party_whose_id_number_is_in_the_ledger(city, api) -> None:
    existing = Party.objects.create(kind="person", name="刘建国", id_number=LIU["id_number"])
    response = api(city.users["officer"]).post(URL, body(), format="json")
    assert response.status_code == 409
    assert response.json()["details"]["party"] == existing.pk


def test_it_refuses_an_unknown_violation_type(city, api) -> None:
    response = api(city.users["officer"]).post(URL, body(violation_type="flying"), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "violation_type"


def test_it_refuses_a_place_outside_the_city(city, api) -> None:
    response = api(city.users["officer"]).post(URL, body(lon=120.0, lat=30.0), format="json")
    assert response.status_code == 422
    assert not Party.objects.exists()


def test_it_refuses_an_officer_outside_their_territory(city, api) -> None:
    response = api(city.users["outsider"]).post(URL, body(lon=WEST[0], lat=WEST[1]), format="json")
    assert response.status_code == 403
    assert not Violation.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "dispatcher", "citizen", "legal_reviewer", "leader"])
def test_it_refuses_roles_that_do_not_enforce(city, api, role: str) -> None:
    response = api(city.users[role]).post(URL, body(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_it_refuses_anonymous_requests(city, api) -> None:
    assert api(None).post(URL, body(), format="json").status_code in (401, 403)


def test_the_outsider_records_in_their_own_district(city, api) -> None:
    response = api(city.users["outsider"]).post(URL, body(lon=EAST[0], lat=EAST[1]), format="json")
    assert response.status_code == 201
    assert response.json()["district_code"] == "330212"


def test_a_violation_from_a_case_takes_its_place(city, api) -> None:
    from chengguan.cases.intake import submit_report
    from chengguan.catalog.models import Category

    category = Category.objects.get(kind="event", code="0504")
    result = submit_report(
        actor=city.users["inspector"],
        source="inspector",
        category=category.pk,
        lon=WEST[0],
        lat=WEST[1],
        description="占道经营",
    )
    case = result.case
    data = body(case=case.pk)
    del data["lon"], data["lat"]
    response = api(city.users["officer"]).post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["case"] == case.pk
    assert response.json()["lon"] == pytest.approx(WEST[0])
