"""The camera-analytics webhook: ``POST /api/v1/intake/camera/`` (multipart).

The camera platform signs the raw request body with HMAC-SHA256 and the shared secret
``settings.CAMERA_WEBHOOK_SECRET``; the hex digest goes in the ``X-Chengguan-Signature`` header
(``sha256=<hex>`` or the bare hex). Fields: ``category`` (``kind:code`` or a code of an event
category, e.g. ``0504``), ``lon``, ``lat``, optional ``crs``, ``camera`` (the camera's id),
``captured_at`` (ISO 8601), optional ``event_id`` (the platform's id of the detection, used as the
idempotency key) and ``description``; the file ``snapshot``.

Answers: 201 with the case (200 for a replay), 403 on a missing or bad signature, 400 naming the
field on bad input, 409 for a concurrent duplicate, 422 for a point outside the city.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chengguan.cases.intake import submit_report
from chengguan.cases.models import Source
from chengguan.core.clock import city_zone
from chengguan.core.errors import AccessDenied, ChengguanError, InvalidInput

SIGNATURE_HEADER = "HTTP_X_CHENGGUAN_SIGNATURE"


def sign(body: bytes, secret: str) -> str:
    """The signature a camera platform sends for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _check_signature(request: HttpRequest) -> None:
    secret = getattr(settings, "CAMERA_WEBHOOK_SECRET", "")
    given = request.META.get(SIGNATURE_HEADER, "").strip()
    if given.lower().startswith("sha256="):
        given = given[7:]
    if not secret or not given or not hmac.compare_digest(sign(request.body, secret), given.lower()):
        raise AccessDenied(_("The request signature is missing or wrong."), field="signature")


def _required(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name, "").strip()
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": name}, field=name)
    return value


def _captured_at(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("captured_at must be an ISO 8601 date and time."), field="captured_at") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=city_zone())


def _case_json(case: Any) -> dict[str, Any]:
    return {"id": case.pk, "number": case.number, "state": case.state, "version": case.version}


@csrf_exempt
@require_POST
def camera_intake(request: HttpRequest) -> JsonResponse:
    try:
        _check_signature(request)
        camera = _required(request, "camera")
        category = _required(request, "category")
        if ":" not in category and not category.isdigit():
            raise InvalidInput(_("Unknown category %(value)r.") % {"value": category}, field="category")
        if ":" not in category:
            category = f"event:{category}"
        snapshot = request.FILES.get("snapshot")
        if snapshot is None:
            raise InvalidInput(_("snapshot is required."), field="snapshot")
        result = submit_report(
            actor=None,
            source=Source.CAMERA,
            category=category,
            lon=_required(request, "lon"),
            lat=_required(request, "lat"),
            crs=request.POST.get("crs", "wgs84") or "wgs84",
            description=request.POST.get("description", ""),
            files=[snapshot],
            client=f"camera:{camera}"[:100],
            idempotency_key=request.POST.get("event_id", ""),
            reported_at=_captured_at(_required(request, "captured_at")),
        )
    except ChengguanError as exc:
        return JsonResponse(exc.to_dict(), status=exc.http_status)
    body = {
        "case": _case_json(result.case),
        "created": result.created,
        "duplicates": [_case_json(case) for case in result.duplicates],
    }
    return JsonResponse(body, status=201 if result.created else 200)
