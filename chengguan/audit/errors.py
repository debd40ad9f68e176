"""Errors of the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import ChengguanError, ErrorCode


class AppendOnlyViolation(ChengguanError):
    """Somebody tried to change or delete an audit entry (a programming error, or an attack)."""

    code = ErrorCode.CONFLICT
    http_status = 409
    default_message = _("The audit log is append-only: its entries can be neither changed nor deleted.")


class AuditChainBroken(ChengguanError):
    """The chain cannot be extended safely: its head row is missing although entries exist."""

    code = ErrorCode.CONFLICT
    http_status = 409
    default_message = _(
        "The audit log's head is missing although entries exist; nothing more can be recorded. "
        "Run `chengguan audit verify`."
    )
