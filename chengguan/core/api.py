"""The one place where errors become HTTP responses for the REST API.

Every error body is JSON: ``{"code": …, "message": …, "field": …, "details": …}``. DRF's own
validation errors keep the field names, with each field's reasons in ``details``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from chengguan.core.errors import ChengguanError, ErrorCode


def _first_field(detail: Any) -> str | None:
    if isinstance(detail, dict) and detail:
        key = next(iter(detail))
        return None if key == "non_field_errors" else str(key)
    return None


def _first_message(detail: Any) -> str:
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ChengguanError):
        return Response(exc.to_dict(), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, exceptions.ValidationError):
        field = _first_field(exc.detail)
        message = _first_message(exc.detail)
        body: dict[str, Any] = {
            "code": str(ErrorCode.INVALID),
            "message": f"{field}: {message}" if field else message,
            "details": exc.detail,
        }
        if field:
            body["field"] = field
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"code": str(ErrorCode.NOT_FOUND), "message": _("Not found.")}, status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.PermissionDenied):
            code = str(ErrorCode.ACCESS_DENIED)
        response.data = {"code": str(code), "message": _first_message(response.data)}
    return response
