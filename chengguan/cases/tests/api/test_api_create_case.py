"""POST /api/v1/cases/: a report becomes a case (staff, citizens and anonymous citizens)."""

from __future__ import annotations

from typing import Any

from chengguan.cases.models import Case, IdempotentSubmission
from chengguan.cases.tests.api.conftest import EAST, OUTSIDE, WEST, Clients, jpeg, report_body


def test_it_creates_a_case_from_an_inspector_report(as_user: Clients) -> None:
    # when
    response = as_user("inspector").post("/api/v1/cases/", report_body(), format="json")
    # then
    assert response.status_code == 201
    case = response.json()["case"]
    assert case["state"] == "reported"
    assert case["version"] == 1
    assert case["grid_code"] == "330203001001001"
    assert case["category"]["code"] == "0504"
    assert case["category"]["kind"] == "event"
    assert case["suggested_unit"]["code"] == "CG-SQ1"
    assert response.json()["duplicates"] == []
    assert Case.objects.get(pk=case["id"]).reporter.username == "inspector"


def test_it_accepts_an_anonymous_citizen_report(as_user: Clients) -> None:
    # when
    response = as_user(None).post(
        "/api/v1/cases/",
        report_body(source="citizen", reporter_name="张三", reporter_phone="13900000000"),
        format="json",
    )
    # then
    assert response.status_code == 201
    case = response.json()["case"]
    assert case["reporter_phone"] is None  # an anonymous viewer never reads contact details back
    assert Case.objects.get(pk=case["id"]).reporter_phone == "13900000000"


def test_it_refuses_an_anonymous_report_from_any_other_source(as_user: Clients) -> None:
    response = as_user(None).post("/api/v1/cases/", report_body(source="inspector"), format="json")
    assert response.status_code == 403
    assert response.json()["field"] == "source"
    assert Case.objects.count() == 0


def test_it_refuses_camera_reports_outside_the_webhook(as_user: Clients) -> None:
    response = as_user(None).post("/api/v1/cases/", report_body(source="camera"), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "source"


def test_it_refuses_a_source_the_role_may_not_use(as_user: Clients) -> None:
    response = as_user("citizen").post("/api/v1/cases/", report_body(source="inspector"), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_it_stores_the_photos_of_a_multipart_report(as_user: Clients) -> None:
    # when
    body = report_body(files=[jpeg("red", name="a.jpg"), jpeg("blue", name="b.jpg")])
    response = as_user("inspector").post("/api/v1/cases/", body, format="multipart")
    # then
    assert response.status_code == 201, response.json()
    evidence = response.json()["case"]["evidence"]
    assert [e["original_name"] for e in evidence] == ["a.jpg", "b.jpg"]
    assert all(len(e["sha256"]) == 64 for e in evidence)
    assert {"time_mismatch", "place_mismatch", "mismatch_note"} <= set(evidence[0])


def test_it_accepts_files_under_the_name_files_brackets(as_user: Clients) -> None:
    body = {k: v for k, v in report_body().items() if k != "files"}
    body["files[]"] = [jpeg()]
    response = as_user("inspector").post("/api/v1/cases/", body, format="multipart")
    assert response.status_code == 201, response.json()
    assert len(response.json()["case"]["evidence"]) == 1


def test_a_replay_with_the_same_idempotency_key_returns_the_same_case(as_user: Clients) -> None:
    # given
    client = as_user("inspector")
    first = client.post("/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # when
    again = client.post("/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["case"]["id"] == first.json()["case"]["id"]
    assert Case.objects.count() == 1
    inspector_id = first.json()["case"]["timeline"][0]["actor"]["id"]
    assert IdempotentSubmission.objects.get().client == f"user:{inspector_id}"


def test_the_same_key_from_two_clients_makes_two_cases(as_user: Clients) -> None:
    one = as_user("inspector").post("/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    two = as_user(None).post(
        "/api/v1/cases/", report_body(source="citizen"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["case"]["id"] != two.json()["case"]["id"]
    assert IdempotentSubmission.objects.filter(client="anonymous", key="k").exists()


def test_a_concurrent_duplicate_submission_gets_409(as_user: Clients, monkeypatch: Any) -> None:
    # given: another request stores the same key between our replay check and our insert
    from chengguan.cases import intake

    client = as_user("inspector")
    stored = client.post("/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="race").json()
    monkeypatch.setattr(intake, "_replay", lambda client, key: None)
    # when
    response = client.post("/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="race")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Case.objects.count() == 1
    assert Case.objects.get().pk == stored["case"]["id"]


def test_it_refuses_an_idempotency_key_that_is_too_long(as_user: Clients) -> None:
    response = as_user("inspector").post(
        "/api/v1/cases/", report_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"


def test_it_proposes_nearby_open_cases_of_the_same_category_as_duplicates(as_user: Clients) -> None:
    # given
    client = as_user("inspector")
    first = client.post("/api/v1/cases/", report_body(), format="json").json()["case"]
    # when: the same problem, 10 m away
    response = client.post("/api/v1/cases/", report_body(at=(WEST[0] + 0.0001, WEST[1])), format="json")
    # then
    assert response.status_code == 201
    assert [d["id"] for d in response.json()["duplicates"]] == [first["id"]]


def test_an_anonymous_reporter_is_not_shown_other_peoples_reports_as_duplicates(as_user: Clients) -> None:
    as_user("inspector").post("/api/v1/cases/", report_body(), format="json")
    response = as_user(None).post("/api/v1/cases/", report_body(source="citizen"), format="json")
    assert response.status_code == 201
    assert response.json()["duplicates"] == []


def test_it_answers_422_for_a_point_outside_the_city(as_user: Clients) -> None:
    response = as_user("inspector").post("/api/v1/cases/", report_body(at=OUTSIDE), format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "outside_city"
    assert Case.objects.count() == 0


def test_an_inspector_may_report_anywhere_in_the_city(as_user: Clients) -> None:
    response = as_user("inspector").post("/api/v1/cases/", report_body(at=EAST), format="json")
    assert response.status_code == 201
    assert response.json()["case"]["district_code"] == "330212"


def test_anonymous_reports_are_throttled(as_user: Clients) -> None:
    # given: a low rate for the test
    from chengguan.cases.api.views import IntakeAnonThrottle

    original = IntakeAnonThrottle.THROTTLE_RATES
    IntakeAnonThrottle.THROTTLE_RATES = {**original, "intake": "2/min"}
    try:
        client = as_user(None)
        # when
        codes = [
            client.post("/api/v1/cases/", report_body(source="citizen"), format="json").status_code
            for _ in range(2)
        ]
        throttled = client.post("/api/v1/cases/", report_body(source="citizen"), format="json")
        staff = as_user("inspector").post("/api/v1/cases/", report_body(), format="json")
    finally:
        IntakeAnonThrottle.THROTTLE_RATES = original
    # then
    assert codes == [201, 201]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert staff.status_code == 201


def test_prefer_return_minimal_answers_with_the_new_case_only(as_user: Clients) -> None:
    # when
    client = as_user("inspector")
    response = client.post("/api/v1/cases/", report_body(), format="json", HTTP_PREFER="return=minimal")
    # then
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "number", "state", "url"}
    assert body["state"] == "reported"
    assert response["Location"] == body["url"]
    assert response["Preference-Applied"] == "return=minimal"
    case = Case.objects.get(pk=body["id"])
    assert case.number == body["number"]
    assert client.get(body["url"]).json()["number"] == case.number


def test_prefer_return_minimal_replays_an_idempotent_retry_with_200(as_user: Clients) -> None:
    client = as_user("inspector")
    first = client.post(
        "/api/v1/cases/",
        report_body(),
        format="json",
        HTTP_PREFER="return=minimal",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    again = client.post(
        "/api/v1/cases/",
        report_body(),
        format="json",
        HTTP_PREFER="return=minimal",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
