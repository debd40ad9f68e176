"""The WSGI application tries a field app's report before Django's middleware and URL resolution
(``QuickIntakeHandler``); everything else, and every report it cannot take, gets Django's full answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from chengguan.cases.api import quick
from chengguan.cases.models import Case
from chengguan.cases.tests.api.conftest import OUTSIDE, report_body
from chengguan.cases.writer import WriterLost
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler() -> Iterator[quick.QuickIntakeHandler]:
    # as Django's test client does: the request signals must not close the test's transaction
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield quick.QuickIntakeHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def quick_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = quick.quick_report

    def spy(request: Any) -> Any:
        calls.append(request)
        return real(request)

    monkeypatch.setattr(quick, "quick_report", spy)
    return calls


def call(
    handler: quick.QuickIntakeHandler, method: str, path: str, body: Any = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    environ = (
        RequestFactory().generic(method, path, data=data, content_type="application/json", **headers).environ
    )
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    response = handler(environ, start_response)
    try:
        content = b"".join(response)
    finally:
        response.close()
    return answer["status"], answer["headers"], content


def token(tiny_city: TinyCity, username: str = "inspector") -> str:
    return "Token " + Token.objects.get_or_create(user=tiny_city.users[username])[0].key


def field_report(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, body: Any = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    """A field app's report as the quick path takes it: the inspector's token, return=minimal."""
    return call(
        handler,
        "POST",
        "/api/v1/cases/",
        report_body() if body is None else body,
        HTTP_AUTHORIZATION=token(tiny_city),
        HTTP_PREFER="return=minimal",
        **headers,
    )


def test_a_field_report_is_answered_before_the_middleware(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, quick_calls: list[Any]
) -> None:
    status, headers, content = field_report(handler, tiny_city)
    assert status == 201
    answer = json.loads(content)
    assert headers["Content-Length"] == str(len(content))
    assert headers["Location"] == answer["url"] == f"http://testserver/api/v1/cases/{answer['id']}/"
    assert headers["X-Content-Type-Options"] == "nosniff"  # the security middleware's headers
    assert "Set-Cookie" not in headers and "Vary" not in headers  # no session, no locale negotiation
    assert Case.objects.get(pk=answer["id"]).number == answer["number"]
    assert len(quick_calls) == 1


def test_a_report_the_quick_path_cannot_take_gets_the_full_answer_once(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, quick_calls: list[Any]
) -> None:
    status, _headers, content = field_report(
        handler, tiny_city, report_body(at=OUTSIDE), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert status == 422
    assert json.loads(content)["code"] == "outside_city"
    assert len(quick_calls) == 1  # the view did not try the quick path a second time
    assert not Case.objects.exists()


def test_other_requests_go_through_django(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, quick_calls: list[Any]
) -> None:
    status, _headers, content = call(handler, "GET", "/api/v1/cases/", HTTP_AUTHORIZATION=token(tiny_city))
    assert status == 200 and "results" in json.loads(content)
    status, _headers, _content = call(handler, "POST", "/api/v1/cases/", report_body())  # no token
    assert status in (401, 403)
    assert not Case.objects.exists()


def test_a_host_not_allowed_is_refused_before_anything_is_stored(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity
) -> None:
    status, _headers, _content = field_report(handler, tiny_city, HTTP_HOST="evil.example.com")
    assert status == 400
    assert not Case.objects.exists()


def test_the_https_redirect_still_applies(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    fresh = quick.QuickIntakeHandler()  # the security middleware reads its settings when made
    status, headers, _content = field_report(fresh, tiny_city)
    assert status == 301 and headers["Location"].startswith("https://")
    assert not Case.objects.exists()


def test_a_report_the_writer_may_have_stored_is_a_503_and_is_not_stored_again(
    handler: quick.QuickIntakeHandler, tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost(**_report: Any) -> Any:
        raise WriterLost()

    monkeypatch.setattr(quick.intake, "submit_report", lost)
    status, _headers, content = field_report(handler, tiny_city)
    assert status == 503
    assert json.loads(content)["code"] == "unavailable"
    assert not Case.objects.exists()
