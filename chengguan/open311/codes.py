"""How chengguan's catalog and case states look in Open311.

* A category (小类) is a service: ``service_code`` is ``<kind>-<code>``, e.g. ``component-0102``
  (污水井盖) or ``event-0504`` (占道经营); component and event codes overlap, so the kind is part of it.
* A case's state is ``open`` while the case is in the closed loop (``cases.models.OPEN_STATES``) and
  ``closed`` once it left it: closed, rejected (不予立案), cancelled, merged into another case, or
  transferred to another agency. The detailed state travels in the extensions.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from chengguan.cases.models import OPEN_STATES, CaseState
from chengguan.catalog.models import Category, CategoryKind
from chengguan.open311.errors import Open311Error

OPEN = "open"
CLOSED = "closed"
STATUSES = (OPEN, CLOSED)

SERVICE_CODE_RE = re.compile(r"^(?P<kind>component|event)-(?P<code>\d{4})$")

# CitySDK's detailed_status vocabulary (Helsinki, 6aika, Klarschiff).
RECEIVED = "RECEIVED"
IN_PROCESS = "IN_PROCESS"
PROCESSED = "PROCESSED"
ARCHIVED = "ARCHIVED"
REJECTED = "REJECTED"
DETAILED_STATUS = {
    CaseState.REPORTED: RECEIVED,
    CaseState.REGISTERED: IN_PROCESS,
    CaseState.DISPATCHED: IN_PROCESS,
    CaseState.ACCEPTED: IN_PROCESS,
    CaseState.RETURNED: IN_PROCESS,
    CaseState.HANDLED: IN_PROCESS,
    CaseState.SUSPENDED: IN_PROCESS,
    CaseState.CLOSED: PROCESSED,
    CaseState.REJECTED: REJECTED,
    CaseState.CANCELLED: REJECTED,
    CaseState.MERGED: ARCHIVED,
    CaseState.TRANSFERRED: ARCHIVED,
}


def service_code(category: Category) -> str:
    return f"{category.kind}-{category.code}"


def parse_service_code(value: str) -> tuple[str, str] | None:
    """``("component", "0102")`` for ``"component-0102"``; None if it is not a service code."""
    match = SERVICE_CODE_RE.match(value.strip())
    if match is None:
        return None
    return match["kind"], match["code"]


def category_for(value: str, *, active: bool = True) -> Category:
    """The category behind a service code; 404 for none (or an inactive one when ``active``)."""
    parsed = parse_service_code(value)
    category = None
    if parsed is not None:
        category = Category.objects.select_related("major").filter(kind=parsed[0], code=parsed[1]).first()
    if category is None or (active and not category.is_active):
        raise Open311Error(404, _("service_code: there is no service %(code)s.") % {"code": value})
    return category


def status_of(state: str) -> str:
    """``open`` or ``closed``."""
    return OPEN if state in OPEN_STATES else CLOSED


def states_of(status: str) -> list[str]:
    """The case states behind ``open`` or ``closed``."""
    if status == OPEN:
        return sorted(OPEN_STATES)
    return sorted(set(CaseState.values) - OPEN_STATES)


def kind_label(kind: str) -> str:
    return str(CategoryKind(kind).label) if kind in CategoryKind.values else kind
