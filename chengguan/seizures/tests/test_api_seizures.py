"""The seizures API: deciding with the list and its two copies, photos, the checks of role, territory,
the two officers and the version."""

from __future__ import annotations

import pytest
import time_machine

from chengguan.seizures.tests.conftest import local, make_violation, photo, seize

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/api/v1/seizures/"


def body(city, violation, **kw):
    u = city.users
    data = {
        "violation": violation.pk,
        "reason": "拒不停止占道经营",
        "legal_basis": "第十七条",
        "storage_place": "鼓楼中队仓库",
        "officers": [u["officer"].pk, u["officer2"].pk],
        "approved_by": u["squadron_leader"].pk,
        "items": [{"name": "橙子", "quantity": "3", "unit": "箱", "condition": "完好"}],
    }
    data.update(kw)
    return data


def test_an_officer_decides_a_seizure_and_records_both_signed_copies(city, violation, as_user):
    client = as_user("officer")
    with time_machine.travel(local(2026, 9, 1, 10, 0), tick=False):
        created = client.post(URL, body(city, violation), format="json")
        assert created.status_code == 201, created.json()
        data = created.json()
        assert data["term"]["term_end"] == "2026-10-08"
        assert data["party"]["name"] == "周某"
        item = data["items"][0]["id"]
        uploaded = client.post(
            f"{URL}{data['id']}/items/{item}/photos/", {"file": photo()}, format="multipart"
        )
        assert uploaded.status_code == 201, uploaded.json()
        party_copy = client.post(
            f"{URL}{data['id']}/copies/",
            {"version": data["version"], "holder": "party", "refused": True, "witness": "社区干部王某"},
            format="json",
        )
        assert party_copy.status_code == 200, party_copy.json()
        file_copy = client.post(
            f"{URL}{data['id']}/copies/",
            {"version": party_copy.json()["version"], "holder": "file", "signed_by": "陈刚"},
            format="json",
        )
    assert file_copy.status_code == 200
    shown = file_copy.json()
    assert [(c["holder"], c["refused"], c["witness"]) for c in shown["copies"]] == [
        ("file", False, ""),
        ("party", True, "社区干部王某"),
    ]
    assert len(shown["items"][0]["photos"]) == 1


def test_a_refusal_to_sign_without_a_witness_is_refused(city, violation, as_user):
    seizure = seize(city, violation)
    response = as_user("officer").post(
        f"{URL}{seizure.pk}/copies/",
        {"version": seizure.version, "holder": "party", "refused": True},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "witness"


def test_one_officer_alone_may_not_seize(city, violation, as_user):
    with time_machine.travel(local(2026, 9, 1, 10, 0), tick=False):
        response = as_user("officer").post(
            URL, body(city, violation, officers=[city.users["officer"].pk]), format="json"
        )
    assert response.status_code == 400
    assert response.json()["details"]["rule"] == "two_officers"


def test_a_seizure_approved_by_an_officer_is_refused(city, violation, as_user):
    with time_machine.travel(local(2026, 9, 1, 10, 0), tick=False):
        response = as_user("officer").post(
            URL, body(city, violation, approved_by=city.users["officer2"].pk), format="json"
        )
    assert response.status_code == 400
    assert response.json()["field"] == "approved_by"


def test_an_empty_list_is_refused(city, violation, as_user):
    response = as_user("officer").post(URL, body(city, violation, items=[]), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "items"


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 403), ("inspector", 403), ("citizen", 403), (None, 401)]
)
def test_who_may_not_decide_a_seizure_here(city, violation, as_user, who, status):
    with time_machine.travel(local(2026, 9, 1, 10, 0), tick=False):
        response = as_user(who).post(URL, body(city, violation), format="json")
    assert response.status_code == status


def test_an_east_officer_may_not_be_named_for_a_seizure_in_the_west(city, as_user):
    west_violation = make_violation(city)
    u = city.users
    with time_machine.travel(local(2026, 9, 1, 10, 0), tick=False):
        response = as_user("officer").post(
            URL, body(city, west_violation, officers=[u["officer"].pk, u["outsider"].pk]), format="json"
        )
    assert response.status_code == 403


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("citizen", 404), ("inspector", 403)])
def test_who_may_not_see_a_seizure(city, violation, as_user, who, status):
    seizure = seize(city, violation)
    assert as_user(who).get(f"{URL}{seizure.pk}/").status_code == status
    assert as_user(who).get(URL).json()["results"] == []


def test_the_leader_and_the_officer_see_it(city, violation, as_user):
    seizure = seize(city, violation)
    for who in ("leader", "officer", "squadron_leader"):
        assert as_user(who).get(f"{URL}{seizure.pk}/").status_code == 200
    listed = as_user("officer").get(URL).json()["results"]
    assert [r["id"] for r in listed] == [seizure.pk]


def test_a_stale_version_is_a_conflict(city, violation, as_user):
    seizure = seize(city, violation)
    client = as_user("squadron_leader")
    first = client.post(
        f"{URL}{seizure.pk}/items/",
        {"version": seizure.version, "name": "秤", "quantity": 1, "unit": "台"},
        format="json",
    )
    assert first.status_code == 200
    again = client.post(
        f"{URL}{seizure.pk}/release/",
        {"version": seizure.version, "kind": "handled", "reason": "已处理"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["details"]["version"] == seizure.version + 1


@pytest.mark.parametrize("who", ["officer", "outsider"])
def test_who_may_not_release_a_seizure(city, violation, as_user, who):
    seizure = seize(city, violation)
    response = as_user(who).post(
        f"{URL}{seizure.pk}/release/",
        {"version": seizure.version, "kind": "handled", "reason": "已处理"},
        format="json",
    )
    assert response.status_code == 403


def test_a_squadron_leader_releases_and_an_officer_returns(city, violation, as_user):
    seizure = seize(city, violation)
    released = as_user("squadron_leader").post(
        f"{URL}{seizure.pk}/release/",
        {"version": seizure.version, "kind": "no_violation", "reason": "查无违法"},
        format="json",
    )
    assert released.status_code == 200
    assert released.json()["state"] == "released"
    extend = as_user("leader").post(
        f"{URL}{seizure.pk}/extend/",
        {"version": released.json()["version"], "days": 5, "reason": "x"},
        format="json",
    )
    assert extend.status_code == 409  # not in force any more
    returned = as_user("officer").post(
        f"{URL}{seizure.pk}/return/",
        {"version": released.json()["version"], "returned_to": "周某", "receipt_number": "R-9"},
        format="json",
    )
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"


def test_the_leader_extends_through_the_api_and_an_officer_may_not(city, violation, as_user):
    seizure = seize(city, violation)
    with time_machine.travel(local(2026, 9, 20, 9, 0), tick=False):
        denied = as_user("officer").post(
            f"{URL}{seizure.pk}/extend/",
            {"version": seizure.version, "days": 30, "reason": "复杂"},
            format="json",
        )
        done = as_user("leader").post(
            f"{URL}{seizure.pk}/extend/",
            {"version": seizure.version, "days": 30, "reason": "复杂"},
            format="json",
        )
    assert denied.status_code == 403
    assert done.status_code == 200
    # 1 September + 60 days = Saturday 31 October: the term ends on Monday 2 November
    assert done.json()["term"]["term_end"] == "2026-11-02"
