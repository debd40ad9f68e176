"""Bad input never gets a 500: a 4xx JSON body with the code, and the field when there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases.models import Case
from chengguan.cases.tests.api.conftest import Clients, case_state, report_body

Report = Callable[..., dict[str, Any]]


def test_malformed_json_gets_a_400(as_user: Clients, tiny_city: Any) -> None:
    response = as_user("inspector").post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_list_instead_of_an_object_gets_a_400(as_user: Clients, tiny_city: Any) -> None:
    response = as_user("inspector").post("/api/v1/cases/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lon": "east"}, "lon"),
        ({"lon": True}, "lon"),
        ({"lat": "NaN"}, "lat"),
        ({"lat": "1e400"}, "lat"),
        ({"lon": 500}, "lon"),
        ({"category": "9999"}, "category"),
        ({"category": "0101"}, "category"),  # both a component and an event: ambiguous
        ({"category": 504}, "category"),
        ({"category": "plant:0504"}, "category"),
        ({"source": "pigeon"}, "source"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"crs": "mars"}, "crs"),
        ({"reporter_email": "not-an-address"}, "reporter_email"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"reported_at": "2025-03-05T09:00:00"}, "reported_at"),
        ({"reported_at": "2999-01-01T00:00:00+08:00"}, "reported_at"),
        ({"description": "x" * 4001}, "description"),
        ({"state": "closed"}, "state"),
    ],
)
def test_a_bad_report_field_gets_a_400_naming_it(
    as_user: Clients, tiny_city: Any, overrides: Any, field: str
) -> None:
    response = as_user("inspector").post("/api/v1/cases/", report_body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert Case.objects.count() == 0


def test_a_missing_field_gets_a_400_naming_it(as_user: Clients, tiny_city: Any) -> None:
    body = report_body()
    del body["lat"]
    response = as_user("inspector").post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "lat"


def test_a_point_outside_the_city_gets_a_422(as_user: Clients, tiny_city: Any) -> None:
    response = as_user("inspector").post("/api/v1/cases/", report_body(at=(100.0, 20.0)), format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "outside_city"


def test_a_file_that_is_not_evidence_gets_a_400_naming_files(as_user: Clients, tiny_city: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream")
    response = as_user("inspector").post("/api/v1/cases/", report_body(files=[junk]), format="multipart")
    assert response.status_code == 400
    assert response.json()["field"] == "files"


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("register", {}, "version"),
        ("register", {"version": "two"}, "version"),
        ("register", {"version": 0}, "version"),
        ("register", {"version": 99999999999999999999}, "version"),
        ("register", {"version": 1, "category": "9999"}, "category"),
        ("register", {"version": 1, "urgency": "soon"}, "urgency"),
        ("register", {"version": 1, "colour": "red"}, "colour"),
        ("reject", {"version": 1}, "reason"),
        ("reject", {"version": 1, "reason": ""}, "reason"),
        ("merge", {"version": 1, "into": "abc"}, "into"),
        ("merge", {"version": 1, "into": 99999999999999999999999}, "into"),
        ("dispatch", {"version": 1, "unit": "NOPE"}, "unit"),
        ("extension", {"version": 1, "working_hours": "lots", "reason": "x"}, "working_hours"),
        ("extension", {"version": 1, "working_hours": "-3", "reason": "x"}, "working_hours"),
        ("verify", {"version": 1, "passed": "perhaps"}, "passed"),
        ("transfer", {"version": 1, "reason": "x"}, "agency"),
    ],
)
def test_a_bad_action_body_gets_a_400_naming_the_field(
    as_user: Clients, file_report: Report, step: str, body: dict[str, Any], field: str
) -> None:
    case = file_report("inspector")
    response = as_user("operator").post(f"/api/v1/cases/{case['id']}/{step}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert case_state(case["id"]) == ("reported", 1)


def test_an_action_on_a_missing_case_gets_a_json_404(as_user: Clients, tiny_city: Any) -> None:
    for case_id in ("424242", "x1", "123456789012345678901234567890"):
        response = as_user("operator").post(
            f"/api/v1/cases/{case_id}/register/", {"version": 1}, format="json"
        )
        assert response.status_code == 404, case_id
        assert response.json()["code"] == "not_found"


def test_deciding_a_missing_extension_gets_a_json_404(as_user: Clients, tiny_city: Any) -> None:
    for request_id in ("424242", "nope"):
        response = as_user("dispatcher").post(
            f"/api/v1/extensions/{request_id}/decide/", {"approve": True}, format="json"
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_wrong_method_gets_a_json_405(as_user: Clients, file_report: Report) -> None:
    case = file_report("inspector")
    response = as_user("operator").get(f"/api/v1/cases/{case['id']}/register/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
