"""``POST requests``: an Open311 service request becomes a citizen report in the cases workflow.

The request goes through ``chengguan.cases.intake.submit_report`` exactly as a report on the staff
side or the portal does (source ``citizen``; the actor is the API key's citizen account, or nobody).
A retried POST with the same client ``token`` (or ``Idempotency-Key`` header) and the same API key
gets the same request back: the intake stores the outcome per (client = the key, token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from chengguan.cases.intake import submit_report
from chengguan.cases.models import Case, Source
from chengguan.core.errors import ChengguanError
from chengguan.evidence.content_types import SNIFF_BYTES, sniff
from chengguan.open311.codes import category_for
from chengguan.open311.definitions import allowed_values, service_type
from chengguan.open311.errors import Open311Error, from_chengguan
from chengguan.open311.filters import arg
from chengguan.open311.models import ApiKey, ServiceRequest, new_token
from chengguan.open311.records import SERVED_PHOTO_TYPES

MB = 1024 * 1024
MAX_TOKEN = 100
MEDIA_FIELDS = ("media", "media[]")
ATTRIBUTE_RE = re.compile(r"^attribute\[(?P<code>[^\]]+)\](?P<many>\[\])?$")
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def media_max_bytes() -> int:
    return int(getattr(settings, "OPEN311_MEDIA_MAX_MB", 10)) * MB


def media_max_files() -> int:
    return int(getattr(settings, "OPEN311_MEDIA_MAX_FILES", 5))


def body_max_bytes() -> int:
    """Largest request body accepted at all: every media file at its largest, plus the form."""
    return media_max_files() * media_max_bytes() + MB


def check_body_size(request: HttpRequest) -> None:
    """413 before the body is read when it announces more than the media limits allow."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > body_max_bytes():
        raise Open311Error(
            413,
            _("The request is too large: at most %(files)s media files of %(mb)s MB each.")
            % {"files": media_max_files(), "mb": media_max_bytes() // MB},
        )


def api_key_of(request: HttpRequest) -> ApiKey:
    """The active API key in the query string or the form; 403 otherwise."""
    value = (request.GET.get("api_key") or request.POST.get("api_key") or "").strip()
    if not value:
        raise Open311Error(403, _("api_key: an API key is required to submit requests."))
    key = ApiKey.objects.select_related("user").filter(key=value[:64]).first()
    if key is None or not key.active:
        raise Open311Error(403, _("api_key: this API key is not valid."))
    return key


def attributes_of(form: QueryDict) -> dict[str, list[str]]:
    """``attribute[CODE]=v`` and ``attribute[CODE][]=v1&…`` as {code: [values]}."""
    found: dict[str, list[str]] = {}
    for name in form:
        match = ATTRIBUTE_RE.match(name)
        if match:
            found.setdefault(match["code"], []).extend(v.strip() for v in form.getlist(name) if v.strip())
    return found


def _urgency(attributes: dict[str, list[str]]) -> str:
    """The ``urgency`` attribute (single value list); other attributes no service defines are ignored,
    as clients such as FixMyStreet send their own (``attribute[fixmystreet_id]`` …)."""
    values = attributes.get("urgency", [])
    if not values:
        return "normal"
    allowed = allowed_values("urgency") or []
    if len(values) > 1 or values[0] not in allowed:
        raise Open311Error(
            400,
            _("attribute[urgency]: %(value)r is not one of %(allowed)s.")
            % {"value": ",".join(values)[:64], "allowed": ", ".join(allowed)},
        )
    return values[0]


def _name(first: str, last: str) -> str:
    if first and last and CJK_RE.search(first + last):
        return last + first  # 张 + 三: the family name first, no space
    return " ".join(p for p in (first, last) if p)


def _media_url(value: str) -> str:
    if not value:
        return ""
    if len(value) > 1000:
        raise Open311Error(400, _("media_url: at most 1000 characters."))
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise Open311Error(
            400, _("media_url: %(value)r is not an http(s) URL.") % {"value": value[:64]}
        ) from None
    return value


def media_of(files: MultiValueDict) -> list[Any]:
    """The uploaded photos (``media`` or ``media[]``), checked for number, size and type."""
    uploads = [f for name in MEDIA_FIELDS for f in files.getlist(name)]
    unexpected = sorted(set(files) - set(MEDIA_FIELDS))
    if unexpected:
        raise Open311Error(400, _("%(name)s: upload photos as media.") % {"name": unexpected[0][:64]})
    if len(uploads) > media_max_files():
        raise Open311Error(400, _("media: at most %(n)s files per request.") % {"n": media_max_files()})
    for upload in uploads:
        if upload.size > media_max_bytes():
            raise Open311Error(
                413,
                _("media: %(name)s is too large; at most %(mb)s MB per file.")
                % {"name": upload.name, "mb": media_max_bytes() // MB},
            )
        upload.seek(0)
        content, detected = sniff(upload.read(SNIFF_BYTES))
        upload.seek(0)
        if content is None or content.mime_type not in SERVED_PHOTO_TYPES:
            raise Open311Error(
                400,
                _("media: %(name)s is %(type)s; send photos as JPEG, PNG or WebP.")
                % {"name": upload.name, "type": detected},
            )
    return uploads


def client_token(request: HttpRequest) -> str:
    token = (request.POST.get("token") or request.headers.get("Idempotency-Key") or "").strip()
    if len(token) > MAX_TOKEN:
        raise Open311Error(400, _("token: at most %(n)s characters.") % {"n": MAX_TOKEN})
    return token


@dataclass(frozen=True)
class Submitted:
    case: Case
    token: str
    created: bool


def submit_service_request(request: HttpRequest, api_key: ApiKey) -> Submitted:
    """Validate the form of ``POST requests`` and file it as a citizen report."""
    form = request.POST
    code = arg(form, "service_code")
    if not code:
        raise Open311Error(400, _("service_code: it is required."))
    category = category_for(code)
    lat, lon = arg(form, "lat"), arg(form, "long")
    if not lat and not lon:
        if arg(form, "address_string") or arg(form, "address_id"):
            raise Open311Error(
                400, _("lat, long: this server locates requests by coordinates; send lat and long.")
            )
        raise Open311Error(400, _("lat, long: a location is required."))
    if not lat or not lon:
        raise Open311Error(400, _("lat, long: give both."))
    urgency = _urgency(attributes_of(form))
    media_url = _media_url(arg(form, "media_url"))
    uploads = media_of(request.FILES)
    token = client_token(request)
    actor = api_key.user if api_key.user is not None and api_key.user.is_active else None
    try:
        result = submit_report(
            actor=actor,
            source=Source.CITIZEN,
            category=category,
            lon=lon,
            lat=lat,
            description=form.get("description", ""),
            address=arg(form, "address_string"),
            urgency=urgency,
            reporter_name=_name(arg(form, "first_name"), arg(form, "last_name")),
            reporter_phone=arg(form, "phone"),
            reporter_email=arg(form, "email"),
            files=uploads,
            client=f"open311:{api_key.pk}" if token else "",
            idempotency_key=token,
        )
    except ChengguanError as exc:
        raise from_chengguan(exc) from None
    try:
        stored, _created = ServiceRequest.objects.get_or_create(
            case=result.case,
            defaults={"api_key": api_key, "token": token or new_token(), "media_url": media_url},
        )
    except IntegrityError:
        stored = ServiceRequest.objects.get(case=result.case)
    return Submitted(result.case, stored.token, result.created)


def response_body(submitted: Submitted) -> list[dict[str, Any]]:
    """The answer to ``POST requests``: the id (realtime) or the token (batch), never both."""
    notice = _("Received as case %(number)s.") % {"number": submitted.case.number}
    item: dict[str, Any] = (
        {"token": submitted.token}
        if service_type() == "batch"
        else {"service_request_id": submitted.case.number}
    )
    item.update({"service_notice": notice, "account_id": None})
    return [item]
