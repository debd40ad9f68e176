"""Names of the case events shown on the staff timeline (the events table stores codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import CaseState

EVENT_LABELS = {
    "reported": _("Reported"),
    "registered": _("Registered"),
    "rejected": _("Not registered"),
    "merged": _("Merged into another case"),
    "report_merged": _("A report was merged into this case"),
    "dispatched": _("Dispatched"),
    "accepted": _("Accepted"),
    "returned": _("Returned to the dispatcher"),
    "handled": _("Reported back as handled"),
    "closed": _("Verified and closed"),
    "rework": _("Sent back for rework"),
    "extension_requested": _("Extension requested"),
    "extension_decided": _("Extension decided"),
    "suspended": _("Suspended"),
    "resumed": _("Resumed"),
    "transferred": _("Transferred"),
    "transfer_receipt": _("Transfer receipt"),
    "cancelled": _("Cancelled"),
    "urged": _("Urged"),
    "overdue": _("Overdue"),
    "escalated": _("Escalated"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


def state_label(state: str) -> str:
    return str(CaseState(state).label) if state in CaseState.values else state
