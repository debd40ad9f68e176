"""The quick path of ``POST /api/v1/cases/``: a field app's report, stored without the REST framework.

A field app (the inspector's phone, a partner's system) sends reports as JSON with its API token and
``Prefer: return=minimal``; at the end of a shift or after a dead zone it sends hundreds at once. For
exactly that request this module does the work of ``CaseViewSet.create`` in a fraction of the time:

* the token and the user's roles are read with two plain SQL queries (the REST framework's token
  authentication costs several ORM queries and its dispatch as much again);
* the body is checked for its *shape* only: a JSON object of the report's known keys with plain
  values (strings, finite numbers). ``intake.submit_report`` then checks every value exactly as it
  does for the full path;
* the configuration intake reads (category, time limits, units, grid inspector, policy) comes from
  ``core.memo``.

Anything else, and anything that goes wrong, takes the full path (``CaseViewSet.create``), which
answers it. A request that fails on the quick path has written nothing, so the full path starts
afresh and gives the one error a client sees: the same field, reason and language as always. A
session-authenticated or anonymous report, a multipart upload, a request without
``Prefer: return=minimal``, a bare category code or a ``kind`` all go straight to the full path.

The WSGI application (``chengguan.wsgi``) is a ``QuickIntakeHandler``: it tries the quick path
*before* Django's middleware and URL resolution, which cost a field app's report as much again as
storing it. Only what the middleware would do for such a request is kept: the security middleware's
checks and headers, the ``Host`` check, the request signals (database connections are checked and
closed as on every request) and Django's handling of an unexpected exception.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.security import SecurityMiddleware
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError as DrfValidationError

from chengguan.cases import intake
from chengguan.cases.api import serializers as s
from chengguan.cases.api.views import IDEMPOTENCY_HEADER, CaseViewSet, idempotency_client, minimal_body
from chengguan.cases.models import Source
from chengguan.cases.writer import WriterLost
from chengguan.core.errors import ChengguanError
from chengguan.geo.coords import CRS
from chengguan.org.models import User

# The keys a quick report may carry and the longest text of each (None: not text).
TEXT_LIMITS = {
    "source": 16,
    "category": 16,
    "crs": 8,
    "description": intake.MAX_DESCRIPTION,
    "address": 200,
    "urgency": 16,
    "reporter_name": 64,
    "reporter_phone": 32,
    "reporter_email": 254,
    "reported_at": 64,
}
NUMBERS = frozenset({"lon", "lat"})
REQUIRED = frozenset({"source", "category", "lon", "lat"})
CATEGORY_RE = re.compile(r"(?:component|event):\d{4}")
# what the REST framework's CharField refuses: NUL and lone surrogates
UNPRINTABLE_RE = re.compile("[\x00\ud800-\udfff]")
SOURCES = frozenset(Source.values) - {Source.CAMERA}
CRS_VALUES = frozenset(c.value for c in CRS)

_full_path = CaseViewSet.as_view({"get": "list", "post": "create"})
_reported_at_field = s.AwareDateTimeField()


@csrf_exempt
def cases_collection(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``/api/v1/cases/``: a field app's report takes the quick path, everything else the full one."""
    if request.method == "POST" and not getattr(request, "quick_path_tried", False):
        response = quick_report(request)
        if response is not None:
            return response
    return _full_path(request, *args, **kwargs)


def quick_report(request: HttpRequest) -> HttpResponse | None:
    """Store the report and answer 201 (200 for a retry of a stored one), or None: take the full path."""
    if request.content_type != "application/json" or not _wants_minimal(request):
        return None
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 100:
        return None
    report = _plain_report(request.body)
    if report is None:
        return None
    user = user_for_token(request.META.get("HTTP_AUTHORIZATION", ""))
    if user is None:
        return None
    try:
        result = intake.submit_report(
            actor=user,
            client=idempotency_client(user) if key else "",
            idempotency_key=key,
            with_duplicates=False,
            **report,
        )
    except WriterLost as exc:  # sent, maybe stored: the full path must not store it again
        return JsonResponse(exc.to_dict(), status=exc.http_status)
    except ChengguanError:
        return None
    body, url = minimal_body(request, result.case)
    response = JsonResponse(body, status=201 if result.created else 200)
    response["Location"] = url
    response["Preference-Applied"] = "return=minimal"
    return response


def _wants_minimal(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "return=minimal" for part in prefer.replace(";", ",").split(","))


def _plain_report(raw: bytes) -> dict[str, Any] | None:
    """The report's arguments if the body is a JSON object of known keys with plain values, else None."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not REQUIRED.issubset(data):
        return None
    report: dict[str, Any] = {}
    for name, value in data.items():
        if name in NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                return None
            report[name] = float(value)
            continue
        limit = TEXT_LIMITS.get(name)
        if limit is None or not isinstance(value, str) or len(value) > limit or UNPRINTABLE_RE.search(value):
            return None
        report[name] = value.strip()
    if report["source"] not in SOURCES or not CATEGORY_RE.fullmatch(report["category"]):
        return None
    if report.setdefault("crs", "wgs84") not in CRS_VALUES:
        return None
    if "reported_at" in report:
        try:
            report["reported_at"] = _reported_at_field.to_internal_value(data["reported_at"])
        except DrfValidationError:
            return None
    return report


@lru_cache(maxsize=1)
def _user_sql() -> tuple[list[str], str, str]:
    """The columns read for a token's user, and the two queries (user by token, role names)."""
    from rest_framework.authtoken.models import Token

    q = connection.ops.quote_name
    names = ["id", "username", "name", "is_active", "unit_id"]
    columns = ", ".join(f"u.{q(User._meta.get_field(n).column)}" for n in names)
    user_sql = (
        f"SELECT {columns} FROM {q(User._meta.db_table)} u "
        f"JOIN {q(Token._meta.db_table)} t ON t.{q(Token._meta.get_field('user').column)} = u.{q('id')} "
        f"WHERE t.{q(Token._meta.get_field('key').column)} = %s"
    )
    through = User.groups.through
    group = User.groups.field.related_model
    roles_sql = (
        f"SELECT g.{q('name')} FROM {q(group._meta.db_table)} g "
        f"JOIN {q(through._meta.db_table)} ug ON ug.{q('group_id')} = g.{q('id')} "
        f"WHERE ug.{q('user_id')} = %s"
    )
    return names, user_sql, roles_sql


def user_for_token(header: str) -> User | None:
    """The active user an ``Authorization: Token <key>`` header names, with ``role_names`` read; else None.

    The same rule as the REST framework's ``TokenAuthentication`` (keyword in any case, one key);
    the user's other fields are deferred and load if anyone asks for them.
    """
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    names, user_sql, roles_sql = _user_sql()
    with connection.cursor() as cursor:
        cursor.execute(user_sql, [parts[1]])
        row = cursor.fetchone()
        if row is None or not row[names.index("is_active")]:
            return None
        cursor.execute(roles_sql, [row[0]])
        roles = frozenset(name for (name,) in cursor.fetchall())
    user = User.from_db(
        connection.alias, names, [bool(v) if n == "is_active" else v for n, v in zip(names, row, strict=True)]
    )
    user.__dict__["role_names"] = roles  # the cached_property, filled
    return user


class QuickIntakeHandler(WSGIHandler):
    """Django's WSGI handler, with the quick path tried before the middleware (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._security = SecurityMiddleware(super().get_response)
        self._quick = convert_exception_to_response(self._quick_response)
        self._cases_path = reverse("api:case-list")  # no script prefix is set yet: the path_info

    def get_response(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info == self._cases_path:
            response = self._quick(request)
            if response is not None:
                response._resource_closers.append(request.close)
                return response
        return super().get_response(request)

    def _quick_response(self, request: HttpRequest) -> HttpResponse | None:
        if self._security.process_request(request) is not None:  # e.g. the redirect to HTTPS
            return None
        try:
            request.get_host()  # the full path answers a host not in ALLOWED_HOSTS with 400
        except DisallowedHost:
            return None
        request.quick_path_tried = True  # type: ignore[attr-defined]  # the view does not try again
        response = quick_report(request)
        if response is None:
            return None
        response.headers["Content-Length"] = str(len(response.content))  # as CommonMiddleware does
        return self._security.process_response(request, response)
