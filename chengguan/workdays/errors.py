"""Errors of the working-day calendar."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import ChengguanError, ErrorCode


class HolidayImportRejected(ChengguanError):
    """A holiday file had bad lines; nothing was written. ``problems`` lists them."""

    code = ErrorCode.IMPORT_REJECTED
    http_status = 422
    default_message = _("The holiday file has errors; nothing was imported.")

    def __init__(self, problems: list[str], message: Any = None) -> None:
        super().__init__(message, problems=problems)
        self.problems = problems
