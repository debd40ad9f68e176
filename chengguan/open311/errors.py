"""Open311 errors: the spec's error body (a list of ``code`` + ``description``) and HTTP status.

The spec knows 404 (no such resource), 403 (api_key missing or wrong) and 400 (anything else). We
add what abuse protection needs: 413 for media that are too large and 429 (with ``Retry-After``)
for too many requests. The ``code`` in the body is the HTTP status, as the spec's examples show.

Errors of the cases workflow (``chengguan.core.errors``) are mapped here, in one place, with their
field named as the Open311 client knows it (``long``, not ``lon``; ``phone``, not ``reporter_phone``).
"""

from __future__ import annotations

from typing import Any

from chengguan.core.errors import ChengguanError, Conflict

# Field names of the cases intake → the Open311 arguments a client sent.
FIELD_NAMES = {
    "lon": "long",
    "lat": "lat",
    "category": "service_code",
    "address": "address_string",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "file": "media",
    "files": "media",
    "idempotency_key": "token",
    "description": "description",
    "urgency": "attribute[urgency]",
}


class Open311Error(Exception):
    """One or more errors answered with ``status`` in the spec's error format."""

    def __init__(
        self,
        status: int,
        description: Any,
        *,
        more: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.descriptions = [str(description), *(str(m) for m in more or [])]
        self.headers = headers or {}
        super().__init__(self.descriptions[0])

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def open311_field(field: str | None) -> str | None:
    if not field:
        return None
    return FIELD_NAMES.get(field, field)


def from_chengguan(exc: ChengguanError) -> Open311Error:
    """The Open311 error for a domain error: 404 and 403 stay, a conflict is 409, the rest 400."""
    if exc.http_status in (403, 404):
        status = exc.http_status
    elif isinstance(exc, Conflict):
        status = 409
    else:
        status = 400
    field = open311_field(exc.field)
    message = str(exc.message)
    return Open311Error(status, f"{field}: {message}" if field else message)
