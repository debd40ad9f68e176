"""Who may issue and read enforcement documents; the permission-checked fetch of a document.

* Issuing: officers and squadron leaders holding an enforcement credential (执法证,
  valid today in ``penalty.credentials``), at a place inside their territory. A party's history bundle has no place:
  the ledger is city-wide on purpose (the vendor who moves to the next street is the same party).
* Reading: officers and squadron leaders inside their territory, legal reviewers and administrators
  (wherever their territory reaches). Documents name the party in full, so only the roles that see
  identifiers in full (``enforcement.privacy``) read them.

Each rule is one condition per line so that the tests prove every branch.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, NotFound
from chengguan.documents.models import IssuedDocument
from chengguan.org.access import check_can_act_at, territory_of, territory_q
from chengguan.org.roles import Role

ISSUE_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER})
READ_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.ADMIN})
MAX_ID = 2**63 - 1


def _active(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


def check_can_issue(actor: Any, place: str | None) -> None:
    """Raise unless ``actor`` may issue a document about something at ``place`` (None: city-wide)."""
    if not _active(actor):
        raise AccessDenied(_("Only an officer with an enforcement credential may issue documents."))
    if not actor.has_role(*ISSUE_ROLES):
        raise AccessDenied(_("Only an officer with an enforcement credential may issue documents."))
    from chengguan.penalty.credentials import holds_credential_today  # the penalty app keeps credentials

    if not holds_credential_today(actor):
        raise AccessDenied(_("You hold no enforcement credential (执法证); you may not issue documents."))
    if place is not None:
        check_can_act_at(actor, place)


def can_read(actor: Any) -> bool:
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*READ_ROLES)


def get_documents_visible_to(actor: Any) -> QuerySet[IssuedDocument]:
    if not can_read(actor):
        raise AccessDenied(_("Only enforcement staff and legal reviewers may read enforcement documents."))
    rows = IssuedDocument.objects.all()
    return rows.filter(Q(place_code="") | territory_q(territory_of(actor), "place_code"))


def access_document(actor: Any, document_id: Any) -> IssuedDocument:
    text = str(document_id)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound(_("No such document."), field="document")
    doc = get_documents_visible_to(actor).filter(pk=int(text)).first()
    if doc is None:
        raise NotFound(_("No such document in your territory."), field="document")
    return doc
