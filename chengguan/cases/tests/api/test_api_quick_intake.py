"""A field app's report (JSON, API token, ``Prefer: return=minimal``) takes the quick path of
``POST /api/v1/cases/``; it stores the same case as the full path, and every error is the full path's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from chengguan.audit.models import AuditEntry
from chengguan.audit.verification import verify_chain
from chengguan.cases.api import quick
from chengguan.cases.models import Case, CaseEvent
from chengguan.cases.tests.api.conftest import EAST, OUTSIDE, WEST, report_body
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db

MINIMAL = {"HTTP_PREFER": "return=minimal"}


def token_client(tiny_city: TinyCity, username: str) -> Client:
    key = Token.objects.get_or_create(user=tiny_city.users[username])[0].key
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post("/api/v1/cases/", body, content_type="application/json", **headers)


@pytest.fixture
def no_full_path(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records every request that falls through to the full path (the viewset)."""
    fell_through: list[Any] = []
    full = quick._full_path

    def spy(request: Any, *args: Any, **kwargs: Any) -> Any:
        fell_through.append(request)
        return full(request, *args, **kwargs)

    monkeypatch.setattr(quick, "_full_path", spy)
    return fell_through


STORED_FIELDS = (
    "state",
    "source",
    "category_id",
    "urgency",
    "description",
    "address",
    "lon",
    "lat",
    "grid_code",
    "community_code",
    "street_code",
    "district_code",
    "beat_code",
    "permitted_zone_code",
    "reporter_id",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "suggested_unit_id",
    "officer_id",
    "verifier_id",
    "register_due",
    "current_due",
)


def test_a_field_report_is_stored_by_the_quick_path_exactly_as_by_the_full_path(
    tiny_city: TinyCity, no_full_path: list[Any]
) -> None:
    # given
    client = token_client(tiny_city, "inspector")
    body = report_body()
    # when: the quick path, then the full path (no Prefer) with the same report
    quick_answer = post(client, body, **MINIMAL)
    assert not no_full_path
    full_answer = post(client, body)
    # then
    assert quick_answer.status_code == 201 and full_answer.status_code == 201
    assert len(no_full_path) == 1
    answer = quick_answer.json()
    assert set(answer) == {"id", "number", "state", "url"}
    assert quick_answer["Location"] == answer["url"] == f"http://testserver/api/v1/cases/{answer['id']}/"
    assert quick_answer["Preference-Applied"] == "return=minimal"
    fast = Case.objects.get(pk=answer["id"])
    slow = Case.objects.get(pk=full_answer.json()["case"]["id"])
    assert fast.number == answer["number"] and answer["state"] == "reported"
    for name in STORED_FIELDS:
        if name.endswith("_due"):  # counted from each report's own arrival
            assert abs(getattr(fast, name) - getattr(slow, name)).total_seconds() < 60, name
        else:
            assert getattr(fast, name) == getattr(slow, name), name
    assert fast.reporter == tiny_city.users["inspector"]
    assert fast.verifier == tiny_city.users["inspector"]
    # the timeline and the audit log have the report, and the chain holds
    event = CaseEvent.objects.get(case=fast)
    assert (event.action, event.to_state, event.actor_id) == ("reported", "reported", fast.reporter_id)
    entry = AuditEntry.objects.get(action="case.report", target_id=str(fast.pk))
    assert entry.payload["number"] == fast.number
    assert entry.actor_id == fast.reporter_id
    assert verify_chain().ok
    # and the inspector can read the case at its URL
    assert client.get(answer["url"]).status_code == 200


def test_a_retry_with_the_same_idempotency_key_gets_the_stored_case_with_200(
    tiny_city: TinyCity, no_full_path: list[Any]
) -> None:
    client = token_client(tiny_city, "inspector")
    first = post(client, report_body(), HTTP_IDEMPOTENCY_KEY="phone-7", **MINIMAL)
    again = post(client, report_body(), HTTP_IDEMPOTENCY_KEY="phone-7", **MINIMAL)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
    assert not no_full_path


@pytest.mark.parametrize(
    ("username", "change", "status", "field"),
    [
        ("inspector", {"at": OUTSIDE}, 422, None),  # outside the city
        ("inspector", {"lon": True}, 400, "lon"),
        ("inspector", {"lon": "121.5"}, 201, None),  # a number as text: the full path accepts it
        ("inspector", {"colour": "red"}, 400, "colour"),
        ("inspector", {"category": "event:9999"}, 400, "category"),
        ("inspector", {"category": "0504"}, 201, None),  # a bare code: the full path resolves it
        ("inspector", {"source": "camera"}, 400, "source"),
        ("inspector", {"source": "hotline"}, 403, "source"),  # not the inspector's source
        ("inspector", {"urgency": "whenever"}, 400, "urgency"),
        ("inspector", {"description": "x" * 4001}, 400, "description"),
        ("inspector", {"description": "a\x00b"}, 400, "description"),
        ("inspector", {"reporter_email": "not-an-address"}, 400, "reporter_email"),
        ("inspector", {"reported_at": "2026-11-22T08:00:00"}, 400, "reported_at"),  # no zone
        ("citizen", {"source": "inspector"}, 403, "source"),
    ],
)
def test_bad_reports_get_the_full_paths_answer_and_store_nothing(
    tiny_city: TinyCity, username: str, change: dict[str, Any], status: int, field: str | None
) -> None:
    # given
    client = token_client(tiny_city, username)
    body = report_body(**{k: v for k, v in change.items() if k == "at"})
    body.update({k: v for k, v in change.items() if k != "at"})
    if body["lon"] == "121.5":
        body["lon"] = str(WEST[0])
    # when: once on the quick path's terms, once on the full path's
    quick_answer = post(client, body, **MINIMAL)
    stored = Case.objects.count()
    full_answer = post(client, body)
    # then
    assert quick_answer.status_code == status, quick_answer.content
    if status >= 400:
        assert stored == 0 and Case.objects.count() == 0
        assert quick_answer.json() == full_answer.json()
        if field is not None:
            assert quick_answer.json()["field"] == field
    else:
        assert stored == 1


def test_errors_come_in_the_language_the_client_asks_for(tiny_city: TinyCity) -> None:
    client = token_client(tiny_city, "inspector")
    english = post(client, report_body(at=OUTSIDE), HTTP_ACCEPT_LANGUAGE="en", **MINIMAL)
    chinese = post(client, report_body(at=OUTSIDE), **MINIMAL)
    assert english.status_code == chinese.status_code == 422
    assert "outside" in english.json()["message"]
    assert "范围之外" in chinese.json()["message"]


def test_a_revoked_token_or_an_inactive_user_is_refused_with_401(tiny_city: TinyCity) -> None:
    # an unknown token
    stranger = Client(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert post(stranger, report_body(), **MINIMAL).status_code == 401
    # a deactivated inspector's token
    client = token_client(tiny_city, "inspector")
    inspector = tiny_city.users["inspector"]
    inspector.is_active = False
    inspector.save(update_fields=["is_active"])
    assert post(client, report_body(), **MINIMAL).status_code == 401
    assert Case.objects.count() == 0


def test_a_role_taken_away_counts_at_once(tiny_city: TinyCity) -> None:
    client = token_client(tiny_city, "inspector")
    assert post(client, report_body(), **MINIMAL).status_code == 201
    tiny_city.users["inspector"].groups.clear()
    refused = post(client, report_body(), **MINIMAL)
    assert refused.status_code == 403
    assert refused.json()["field"] == "source"
    assert Case.objects.count() == 1


def test_a_signed_in_browser_still_needs_its_csrf_token(tiny_city: TinyCity) -> None:
    # a session (not a token) takes the full path, which insists on CSRF for sessions
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tiny_city.users["inspector"])
    refused = post(browser, report_body(), **MINIMAL)
    assert refused.status_code == 403
    assert Case.objects.count() == 0


def test_reports_of_another_squadrons_area_are_routed_there(tiny_city: TinyCity) -> None:
    client = token_client(tiny_city, "inspector")
    answer = post(client, report_body(at=EAST), **MINIMAL)
    assert answer.status_code == 201
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.suggested_unit is not None and case.suggested_unit.code == "CG-SQ2"
