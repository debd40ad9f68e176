"""The ledger through the API: search, detail with history, matching candidates — masked per role."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chengguan.enforcement.models import Party
from chengguan.enforcement.tests.builders import LIU, record

pytestmark = pytest.mark.usefixtures("in_english")
BASE = "/api/v1/enforcement"


@pytest.fixture
def liu(city) -> Party:
    return record(city.users["officer"], "street-occupation", description="水果摊").party


@pytest.mark.parametrize("q", ["330203197805120017", "138 0574 1234", "建国"])
def test_it_finds_a_party_by_any_identifier_or_name(city, api, liu, q) -> None:
    response = api(city.users["officer"]).get(f"{BASE}/parties/", {"q": q})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [liu.pk]


def test_a_vehicle_is_found_by_its_plate_however_typed(city, api) -> None:
    car = Party.objects.create(kind="vehicle", name="小型轿车", plate="浙B7K261")
    response = api(city.users["officer"]).get(f"{BASE}/parties/", {"q": "浙b·7k261"})
    assert [p["id"] for p in response.json()["results"]] == [car.pk]


def test_an_auxiliary_sees_search_results_masked(city, api, liu) -> None:
    found = api(city.users["auxiliary"]).get(f"{BASE}/parties/", {"q": "建国"}).json()["results"][0]
    assert found["phone"] == "138****1234" and found["name"] == "刘**" and found["masked"] is True


@pytest.mark.parametrize("role", ["inspector", "operator", "dispatcher", "department", "citizen"])
def test_roles_outside_enforcement_may_not_read_the_ledger(city, api, liu, role) -> None:
    client = api(city.users[role])
    for url in (
        f"{BASE}/parties/",
        f"{BASE}/parties/{liu.pk}/",
        f"{BASE}/parties/{liu.pk}/history/",
        f"{BASE}/parties/match/?name=刘建国",
        f"{BASE}/violation-types/",
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_may_not_read_the_ledger(city, api, liu) -> None:
    assert api(None).get(f"{BASE}/parties/{liu.pk}/").status_code in (401, 403)


def test_party_detail_carries_the_history_citywide(city, api, liu) -> None:
    # the officer of the east district sees the vendor's western violation: the ledger is city-wide
    response = api(city.users["outsider"]).get(f"{BASE}/parties/{liu.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["violation_count"] == 1
    item = data["history"][0]
    assert item["violation_type"]["code"] == "street-occupation"
    assert item["category"] == "0504"
    assert item["description"] == "水果摊"
    assert item["resolution"] == "Step proposed, awaiting the officer"


def test_junk_ids_are_not_found(city, api) -> None:
    assert api(city.users["officer"]).get(f"{BASE}/parties/abc/").status_code == 404
    assert api(city.users["officer"]).get(f"{BASE}/parties/99999999999999999999/").status_code == 404


def test_evidence_attached_to_a_violation_shows_in_the_history(city, api, liu, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    violation = liu.violations.get()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    buffer.name = "stall.jpg"
    buffer.seek(0)
    response = api(city.users["officer"]).post(
        f"{BASE}/violations/{violation.pk}/evidence/", {"files": [buffer]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    history = api(city.users["officer"]).get(f"{BASE}/parties/{liu.pk}/history/").json()
    evidence = history[0]["evidence"]
    assert len(evidence) == 1 and evidence[0]["kind"] == "photo" and len(evidence[0]["sha256"]) == 64
    download = api(city.users["officer"]).get(
        f"{BASE}/violations/{violation.pk}/evidence/{evidence[0]['id']}/"
    )
    assert download.status_code == 200
    assert (
        api(city.users["outsider"])
        .post(f"{BASE}/violations/{violation.pk}/evidence/", {"files": []}, format="multipart")
        .status_code
        == 404
    )


def test_creating_a_party_validates_its_identifiers(city, api) -> None:
    client = api(city.users["officer"])
    bad = client.post(
        f"{BASE}/parties/",
        {"kind": "company", "name": "某公司", "credit_code": "91350100M000100Y44"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "credit_code"
    missing = client.post(f"{BASE}/parties/", {"kind": "vehicle", "name": "车"}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "plate"
    good = client.post(
        f"{BASE}/parties/",
        {"kind": "company", "name": "某公司", "credit_code": "91350100m000100y43"},
        format="json",
    )
    assert good.status_code == 201 and good.json()["credit_code"] == "91350100M000100Y43"
    again = client.post(
        f"{BASE}/parties/",
        {"kind": "company", "name": "某公司", "credit_code": "91350100M000100Y43"},
        format="json",
    )
    assert again.status_code == 409


# --- matching -----------------------------------------------------------------------------------------


def test_an_exact_identifier_comes_first_with_score_one(city, api, liu) -> None:
    Party.objects.create(kind="person", name="刘建国", phone="13900000000")
    response = api(city.users["officer"]).get(
        f"{BASE}/parties/match/", {"id_number": LIU["id_number"], "name": "刘建国"}
    )
    candidates = response.json()
    assert candidates[0]["party"]["id"] == liu.pk
    assert candidates[0]["score"] == 1.0 and candidates[0]["exact"] == "id_number"


def test_name_and_phone_match_with_a_score_and_its_parts(city, api, liu) -> None:
    response = api(city.users["officer"]).get(
        f"{BASE}/parties/match/", {"name": "刘建国", "phone": "13805741234", "place": "鼓楼步行街"}
    )
    best = response.json()[0]
    assert best["party"]["id"] == liu.pk and best["exact"] == ""
    assert best["parts"]["name"] == pytest.approx(0.45) and best["parts"]["phone"] == pytest.approx(0.45)
    assert 0.9 < best["score"] < 1.0
    assert best["score"] == pytest.approx(sum(best["parts"].values()), abs=1e-3)


def test_a_namesake_without_phone_or_place_is_no_candidate(city, api, liu) -> None:
    response = api(city.users["officer"]).get(
        f"{BASE}/parties/match/", {"name": "刘建国", "phone": "13999999999"}
    )
    assert response.json() == []


def test_a_similar_name_with_the_same_phone_is_a_candidate(city, api, liu) -> None:
    response = api(city.users["officer"]).get(
        f"{BASE}/parties/match/", {"name": "刘建", "phone": "13805741234"}
    )
    assert [c["party"]["id"] for c in response.json()] == [liu.pk]


def test_matching_needs_something_to_match_and_well_formed_identifiers(city, api) -> None:
    client = api(city.users["officer"])
    assert client.get(f"{BASE}/parties/match/").json()["field"] == "name"
    assert client.get(f"{BASE}/parties/match/", {"id_number": "123"}).json()["field"] == "id_number"


def test_candidates_are_masked_for_an_auxiliary(city, api, liu) -> None:
    response = api(city.users["auxiliary"]).get(
        f"{BASE}/parties/match/", {"name": "刘建国", "phone": "13805741234"}
    )
    assert response.json()[0]["party"]["phone"] == "138****1234"


def test_violation_types_list_their_provisions(city, api) -> None:
    types = api(city.users["auxiliary"]).get(f"{BASE}/violation-types/").json()
    construction = next(t for t in types if t["code"] == "illegal-construction")
    assert construction["category"] == "9901" and construction["minor_first_offence"] is False
    assert any(
        p["article"] == "第六十四条" and "百分之五以上百分之十以下" in p["text"]
        for p in construction["provisions"]
    )


def test_the_violation_list_is_limited_to_the_territory(city, api, liu) -> None:
    assert len(api(city.users["officer"]).get(f"{BASE}/violations/").json()["results"]) == 1
    assert api(city.users["outsider"]).get(f"{BASE}/violations/").json()["results"] == []
    assert len(api(city.users["leader"]).get(f"{BASE}/violations/").json()["results"]) == 1
