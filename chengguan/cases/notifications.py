"""Delivering the notification outbox (``cases.Notification``): ``chengguan notify``.

Workflow steps write a notice in their own transaction (``events.notify``); nothing is sent
inside it. This module sends them afterwards, from a job run every minute (cron or a systemd
timer), safe when two run at once:

* **Claim.** A sender claims a notice by a compare-and-set that moves its ``next_attempt_at`` a
  lease into the future; a second sender finds it claimed and skips it.
* **Recipients.** The notice's user, or every active member of its unit.
* **Channels.** E-mail through Django's mail settings (``EMAIL_*``) to recipients with an address,
  and the bureau's SMS or messaging gateway when ``NOTIFY_WEBHOOK_URL`` is set: a JSON POST signed
  with HMAC-SHA256 of the body (``X-Chengguan-Signature: sha256=<hex>``, key
  ``NOTIFY_WEBHOOK_SECRET``). Every notice is also in the staff web's inbox, sent or not.
* **Failures** are retried with a growing delay (1, 2, 4 … minutes, at most an hour) and given up
  after ``NOTIFY_MAX_ATTEMPTS``; the error is kept on the notice for the admin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.cases.models import Notification
from chengguan.org.models import User

LEASE = dt.timedelta(minutes=5)
MAX_DELAY = dt.timedelta(hours=1)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    given_up: int = 0


class DeliveryError(Exception):
    """A channel could not deliver; the notice is tried again later."""


def recipients(notice: Notification) -> list[User]:
    """Who a notice is for: its user, or the active members of its unit."""
    if notice.user_id is not None:
        return [notice.user] if notice.user.is_active else []
    if notice.unit_id is None:
        return []
    return list(User.objects.filter(unit_id=notice.unit_id, is_active=True).order_by("pk"))


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def due_notices(now: dt.datetime, limit: int) -> list[int]:
    """Ids of unsent notices whose next attempt is due (oldest first)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return list(
        Notification.objects.filter(due, sent_at__isnull=True, failed_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def claim(notice_id: int, now: dt.datetime) -> Notification | None:
    """Take a notice for this sender (compare-and-set), or None if another sender has it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Notification.objects.filter(
        due, pk=notice_id, sent_at__isnull=True, failed_at__isnull=True
    ).update(next_attempt_at=now + LEASE)
    if claimed != 1:
        return None
    return Notification.objects.select_related("case", "unit", "user").get(pk=notice_id)


def _subject(notice: Notification) -> str:
    return _("[chengguan] Case %(number)s: %(kind)s") % {"number": notice.case.number, "kind": notice.kind}


def send_email(notice: Notification, people: list[User]) -> list[str]:
    addresses = sorted({p.email for p in people if p.email})
    if not addresses:
        return []
    try:
        send_mail(_subject(notice), notice.message, None, addresses, fail_silently=False)
    except Exception as exc:  # SMTP and backend errors alike: retried later
        raise DeliveryError(f"email: {exc}") from exc
    return [f"email:{a}" for a in addresses]


def sign(body: bytes, secret: str) -> str:
    """The ``X-Chengguan-Signature`` header value of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(notice: Notification, people: list[User]) -> list[str]:
    url = settings.NOTIFY_WEBHOOK_URL
    phones = [{"name": p.name or p.get_username(), "phone": p.phone} for p in people if p.phone]
    if not url or not phones:
        return []
    body = json.dumps(
        {
            "id": notice.pk,
            "kind": notice.kind,
            "case": notice.case.number,
            "message": notice.message,
            "recipients": phones,
        },
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Chengguan-Signature": sign(body, settings.NOTIFY_WEBHOOK_SECRET),
            "Idempotency-Key": f"notification-{notice.pk}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT_S) as response:
            response.read()
    except (urllib.error.URLError, OSError) as exc:  # HTTPError (4xx/5xx) is a URLError
        raise DeliveryError(f"webhook: {exc}") from exc
    return [f"sms:{p['phone']}" for p in phones]


CHANNELS = (send_email, send_webhook)


def deliver(notice: Notification, now: dt.datetime) -> str:
    """Send one claimed notice on every channel; ``"sent"``, ``"retry"`` or ``"given_up"``."""
    people = recipients(notice)
    delivered: list[str] = []
    errors: list[str] = []
    for channel in CHANNELS:
        try:
            delivered += channel(notice, people)
        except DeliveryError as exc:
            errors.append(str(exc))
    fields: dict[str, Any] = {"delivered_to": sorted(set(notice.delivered_to) | set(delivered))}
    if not errors:
        fields.update(sent_at=now, next_attempt_at=None, last_error="")
        outcome = "sent"
    else:
        attempts = notice.attempts + 1
        fields.update(attempts=attempts, last_error="\n".join(errors)[:2000])
        if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            fields.update(failed_at=now, next_attempt_at=None)
            outcome = "given_up"
        else:
            fields.update(next_attempt_at=now + retry_delay(attempts))
            outcome = "retry"
    Notification.objects.filter(pk=notice.pk).update(**fields)
    return outcome


def send_pending(*, now: dt.datetime | None = None, limit: int = 500) -> SendReport:
    """Send the notices that are due (at most ``limit``); safe to run from several processes."""
    report = SendReport()
    for notice_id in due_notices(now or timezone.now(), limit):
        at = now or timezone.now()
        notice = claim(notice_id, at)
        if notice is None:
            continue  # another sender has it
        outcome = deliver(notice, at)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retry":
            report.retried += 1
        else:
            report.given_up += 1
    return report
