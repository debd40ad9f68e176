"""One error hierarchy with stable codes, turned into HTTP (or a CLI exit) in exactly one place.

Each error has a code (an ``ErrorCode`` member), a translated message, an optional field name and
structured details, and an HTTP status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    ACCESS_DENIED = "access_denied"
    CONFLICT = "conflict"
    OUTSIDE_CITY = "outside_city"
    BAD_COORDINATES = "bad_coordinates"
    BAD_GEOMETRY = "bad_geometry"
    BAD_CODE = "bad_code"
    IMPORT_REJECTED = "import_rejected"
    UNAVAILABLE = "unavailable"


class ChengguanError(Exception):
    code: ErrorCode = ErrorCode.INVALID
    http_status: int = 400
    default_message: Any = _("The request is not valid.")

    def __init__(self, message: Any = None, *, field: str | None = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        self.details = details
        super().__init__(str(self.message))

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(ChengguanError):
    code = ErrorCode.INVALID


class NotFound(ChengguanError):
    code = ErrorCode.NOT_FOUND
    http_status = 404
    default_message = _("Not found.")


class AccessDenied(ChengguanError):
    code = ErrorCode.ACCESS_DENIED
    http_status = 403
    default_message = _("You may not see or act on this place.")


class Conflict(ChengguanError):
    code = ErrorCode.CONFLICT
    http_status = 409
    default_message = _("Somebody else changed this first.")


class OutsideCity(ChengguanError):
    code = ErrorCode.OUTSIDE_CITY
    http_status = 422
    default_message = _("This point lies outside the city: no grid covers it.")


class BadCoordinates(ChengguanError):
    code = ErrorCode.BAD_COORDINATES
    default_message = _("The coordinates are not valid numbers of longitude and latitude.")


class BadGeometry(ChengguanError):
    code = ErrorCode.BAD_GEOMETRY
    default_message = _("The geometry is not valid.")


class BadCode(ChengguanError):
    code = ErrorCode.BAD_CODE
    default_message = _("The code does not match its parent.")
