"""Obstruction incidents (暴力抗法): recorded with evidence and referred to the police, audited."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.seizures.models import ObstructionIncident
from chengguan.seizures.tests.conftest import EAST, WEST, local, photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/api/v1/seizures/incidents/"


def incident_body(city, at=WEST, **kw):
    u = city.users
    data = {
        "occurred_at": "2026-09-01T10:20:00+08:00",
        "lon": at[0],
        "lat": at[1],
        "address": "中山东路 8 号",
        "description": "当事人推搡执法队员并抢夺暂扣物品",
        "injuries": "队员林二左臂擦伤",
        "officers": [u["officer"].pk, u["officer2"].pk],
    }
    data.update(kw)
    return data


def test_an_incident_is_recorded_with_evidence_and_referred_to_the_police(city, violation, as_user):
    client = as_user("officer")
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        created = client.post(
            URL,
            {**incident_body(city, violation=violation.pk), "files": [photo("scene.jpg")]},
            format="multipart",
        )
        assert created.status_code == 201, created.json()
        incident = created.json()
        assert incident["grid_code"] == "330203001001001"
        assert len(incident["evidence"]) == 1
        referred = client.post(
            f"{URL}{incident['id']}/refer/",
            {"police_station": "鼓楼派出所", "reference_number": "甬公鼓受字〔2026〕88号"},
            format="json",
        )
    assert referred.status_code == 200, referred.json()
    referral = referred.json()["referral"]
    assert referral["police_station"] == "鼓楼派出所"
    assert referral["reference_number"] == "甬公鼓受字〔2026〕88号"
    assert referral["referred_at"].startswith("2026-09-01T03:00")
    actions = set(AuditEntry.objects.filter(target_id=str(incident["id"])).values_list("action", flat=True))
    assert actions == {"seizures.obstruction", "seizures.refer_to_police"}


def test_an_incident_is_referred_only_once(city, as_user):
    client = as_user("officer")
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        incident = client.post(URL, incident_body(city), format="json").json()
        data = {"police_station": "鼓楼派出所", "reference_number": "1"}
        assert client.post(f"{URL}{incident['id']}/refer/", data, format="json").status_code == 200
        assert client.post(f"{URL}{incident['id']}/refer/", data, format="json").status_code == 409


def test_a_referral_needs_the_police_station(city, as_user):
    client = as_user("officer")
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        incident = client.post(URL, incident_body(city), format="json").json()
        response = client.post(f"{URL}{incident['id']}/refer/", {"reference_number": "1"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "police_station"


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("inspector", 403), ("citizen", 403)])
def test_who_may_not_record_an_incident_here(city, as_user, who, status):
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        response = as_user(who).post(URL, incident_body(city), format="json")
    assert response.status_code == status
    assert not ObstructionIncident.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("citizen", 404)])
def test_who_may_not_see_or_refer_an_incident(city, as_user, who, status):
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        incident = as_user("officer").post(URL, incident_body(city), format="json").json()
        seen = as_user(who).get(f"{URL}{incident['id']}/")
        referred = as_user(who).post(
            f"{URL}{incident['id']}/refer/", {"police_station": "x", "reference_number": "1"}, format="json"
        )
    assert seen.status_code == status
    assert referred.status_code == status


def test_an_incident_in_the_east_is_recorded_by_the_east_officer(city, as_user):
    u = city.users
    with time_machine.travel(local(2026, 9, 1, 11, 0), tick=False):
        response = as_user("outsider").post(
            URL, incident_body(city, at=EAST, officers=[u["outsider"].pk]), format="json"
        )
    assert response.status_code == 201
    assert response.json()["grid_code"].startswith("330212")


def test_an_incident_in_the_future_is_refused(city, as_user):
    with time_machine.travel(local(2026, 9, 1, 9, 0), tick=False):
        response = as_user("officer").post(URL, incident_body(city), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "occurred_at"
