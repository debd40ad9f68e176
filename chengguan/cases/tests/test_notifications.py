"""``chengguan notify``: the outbox written by workflow steps reaches people by e-mail and SMS."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chengguan.cases import notifications
from chengguan.cases.models import Notification
from chengguan.cases.tests.builders import dispatched
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.usefixtures("in_english")
SECRET = "gateway-secret"


@pytest.fixture
def squadron_notice(tiny_city: TinyCity) -> Notification:
    """A dispatched case: the dispatch step queued a notice for the unit it went to."""
    for user in tiny_city.users.values():
        user.email = f"{user.username}@example.org"
        user.phone = "13800000000"
        user.save()
    case = dispatched(tiny_city)
    notice = Notification.objects.get(case=case, kind="dispatched", unit=case.assigned_unit)
    assert notice.sent_at is None
    return notice


class Gateway:
    def __init__(self, status: int) -> None:
        self.status = status
        self.requests: list[tuple[dict[str, str], bytes]] = []


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway(200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers), body))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.NOTIFY_WEBHOOK_SECRET = SECRET
    yield state
    server.shutdown()
    server.server_close()


def test_a_dispatch_notice_is_mailed_to_every_member_of_the_unit_once(
    squadron_notice: Notification, tiny_city: TinyCity
) -> None:
    members = sorted(u.email for u in tiny_city.users.values() if u.unit_id == squadron_notice.unit_id)
    assert members
    # when
    report = notifications.send_pending()
    # then
    assert (report.sent, report.retried, report.given_up) == (1, 0, 0)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == members
    assert squadron_notice.case.number in mail.outbox[0].subject
    squadron_notice.refresh_from_db()
    assert squadron_notice.sent_at is not None
    assert squadron_notice.delivered_to == [f"email:{a}" for a in members]
    # and a second run sends nothing again
    assert notifications.send_pending().sent == 0
    assert len(mail.outbox) == 1


def test_the_sms_gateway_gets_a_signed_request_with_the_phones(
    squadron_notice: Notification, gateway: Gateway
) -> None:
    notifications.send_pending()
    assert len(gateway.requests) == 1
    headers, body = gateway.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Chengguan-Signature"] == expected
    payload = json.loads(body)
    assert payload["case"] == squadron_notice.case.number
    assert payload["message"] == squadron_notice.message
    assert {r["phone"] for r in payload["recipients"]} == {"13800000000"}


def test_a_failing_gateway_is_retried_later_and_given_up_after_the_last_attempt(
    squadron_notice: Notification, gateway: Gateway, settings: Any
) -> None:
    gateway.status = 503
    settings.NOTIFY_MAX_ATTEMPTS = 2
    now = timezone.now()
    # when the first attempt fails
    report = notifications.send_pending(now=now)
    # then it waits a minute before the next
    assert report.retried == 1
    squadron_notice.refresh_from_db()
    assert squadron_notice.attempts == 1
    assert squadron_notice.sent_at is None
    assert squadron_notice.next_attempt_at == now + dt.timedelta(minutes=1)
    assert "503" in squadron_notice.last_error
    assert notifications.send_pending(now=now + dt.timedelta(seconds=30)).retried == 0  # not due yet
    # when the second (last) attempt fails too, it is given up
    assert notifications.send_pending(now=now + dt.timedelta(minutes=2)).given_up == 1
    squadron_notice.refresh_from_db()
    assert squadron_notice.failed_at is not None
    assert notifications.send_pending(now=now + dt.timedelta(hours=2)).given_up == 0


def test_two_senders_never_claim_the_same_notice(squadron_notice: Notification) -> None:
    now = timezone.now()
    assert notifications.claim(squadron_notice.pk, now) is not None
    assert notifications.claim(squadron_notice.pk, now) is None
    # a sender that died holding it: the lease runs out and another sender takes over
    assert notifications.claim(squadron_notice.pk, now + notifications.LEASE) is not None


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (12, 60)])
def test_the_retry_delay_doubles_up_to_an_hour(attempts: int, minutes: int) -> None:
    assert notifications.retry_delay(attempts) == dt.timedelta(minutes=minutes)


def test_the_command_reports_what_it_sent(squadron_notice: Notification) -> None:
    out = StringIO()
    call_command("notify", stdout=out)
    assert out.getvalue().strip() == "Sent: 1; to retry: 0; given up: 0."


def test_the_command_refuses_a_limit_below_one(db: None) -> None:
    with pytest.raises(CommandError, match="--limit"):
        call_command("notify", "--limit", "0")
