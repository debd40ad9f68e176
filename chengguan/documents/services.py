"""Issuing documents: the one way an ``IssuedDocument`` comes into being.

``issue(kind, target=…, context=…, actor=…)`` checks the actor, the context and (for a correction)
the document it supersedes; then, in one transaction, takes the next number of the kind's series,
renders the template's sections with the context, stores the context as issued, the four parts of
the reasoning, the sections and the printable HTML, and appends an audit entry.

``render_html(doc)`` and ``render_docx(doc)`` lay out what was stored: a re-print shows what was
issued, even after the template changed.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit
from chengguan.core.clock import city_today
from chengguan.core.errors import Conflict, InvalidInput
from chengguan.documents import access
from chengguan.documents.loading import get_template
from chengguan.documents.models import (
    DEFAULT_BUREAU_NAME,
    REASONING_PARTS,
    Bureau,
    DocumentKind,
    IssuedDocument,
)
from chengguan.documents.numbering import next_number
from chengguan.documents.rendering import build_docx, build_html, render_sections
from chengguan.documents.text import cn_date

# What each kind's context must give (dotted paths); every kind needs the party's name.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    DocumentKind.RECTIFICATION_ORDER: ("deadline",),
    DocumentKind.PENALTY_NOTICE: ("penalty.text",),
    DocumentKind.HEARING_NOTICE: ("hearing.scheduled_for", "hearing.place"),
    DocumentKind.PENALTY_DECISION: ("penalty.text",),
    DocumentKind.SEIZURE_DECISION: ("seizure.storage_place", "seizure.term_days", "items"),
    DocumentKind.SERVICE_PROOF: ("service.document_label", "service.method_label", "service.served_on"),
    DocumentKind.DEMAND_NOTICE: ("demand.fine_due", "demand.performance_days"),
    DocumentKind.COURT_APPLICATION: ("court.name", "application.fine_due"),
    DocumentKind.PARTY_HISTORY: ("history.count",),
}
MAX_CONTEXT_BYTES = 512 * 1024


def bureau_context() -> dict[str, str]:
    """The issuing bureau as documents name it (the admin's ``Bureau`` row, else the setting)."""
    row = Bureau.objects.filter(pk=1).first()
    if row is None:
        name = getattr(settings, "CHENGGUAN_BUREAU_NAME", "") or DEFAULT_BUREAU_NAME
        return {"name": name, "address": "", "phone": "", "court": "", "review_body": ""}
    return {
        "name": row.name,
        "address": row.address,
        "phone": row.phone,
        "court": row.court,
        "review_body": row.review_body,
    }


def target_key(target: Any) -> tuple[str, str]:
    """``("app_label.model", pk)`` of a saved model instance."""
    if not isinstance(target, models.Model) or target.pk is None:
        raise InvalidInput(_("The document needs a saved target (what it is about)."), field="target")
    return target._meta.label_lower, str(target.pk)


def place_of(target: Any) -> str | None:
    """The grid code of the place a target lies at; None for a party (the ledger is city-wide)."""
    if isinstance(target, models.Model):
        if target._meta.label_lower == "enforcement.party":
            return None
        for path in ("grid_code", "proceeding.grid_code", "seizure.grid_code", "violation.grid_code"):
            value: Any = target
            for attr in path.split("."):
                value = getattr(value, attr, None)
            if isinstance(value, str) and value:
                return value
    raise InvalidInput(_("The document's target has no place."), field="target")


def _lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _check_context(kind: str, context: Any) -> dict[str, Any]:
    if not isinstance(context, dict):
        raise InvalidInput(_("The context must be an object."), field="context")
    try:
        text = json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("The context cannot be stored: %(error)s") % {"error": exc}, field="context"
        ) from exc
    if len(text.encode()) > MAX_CONTEXT_BYTES:
        raise InvalidInput(_("The context is too large."), field="context")
    snapshot = json.loads(text)
    for path in ("party.name", *REQUIRED_KEYS.get(kind, ())):
        value = _lookup(snapshot, path)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput(_("The document needs %(key)s.") % {"key": path}, field=f"context.{path}")
    reasoning = snapshot.get("reasoning")
    if reasoning is not None and not isinstance(reasoning, dict):
        raise InvalidInput(_("The reasoning must be an object of its four parts."), field="context.reasoning")
    return snapshot


def _check_supersedes(old: IssuedDocument | None, reason: str, *, kind: str, target: tuple[str, str]) -> None:
    if old is None:
        return
    if old.kind != kind or (old.target_type, old.target_id) != target:
        raise InvalidInput(
            _("A correction must be of the same kind and about the same target."), field="supersedes"
        )
    if IssuedDocument.objects.filter(supersedes=old).exists():
        raise Conflict(_("This document has already been corrected."), field="supersedes")
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the correction."), field="correction_reason")


def issue(
    kind: str,
    *,
    target: Any,
    context: dict[str, Any],
    actor: Any,
    supersedes: IssuedDocument | None = None,
    correction_reason: str = "",
) -> IssuedDocument:
    """Issue a document of ``kind`` about ``target`` (a saved model instance) made from ``context``;
    returns it, numbered. The bureau, the date of issue, the title and the number are set here."""
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Unknown kind of document: %(kind)s") % {"kind": kind}, field="kind")
    key = target_key(target)
    where = place_of(target)
    access.check_can_issue(actor, where)
    snapshot = _check_context(kind, context)
    _check_supersedes(supersedes, correction_reason, kind=kind, target=key)
    template = get_template(kind)
    today = city_today()
    snapshot["bureau"] = bureau_context()
    snapshot["issued_on"] = cn_date(today)
    snapshot["title"] = template.title
    if supersedes is not None:
        snapshot["supersedes_number"] = supersedes.number
    with transaction.atomic():
        seq = next_number(template.series, today.year)
        number = template.series.format_number(today.year, seq)
        snapshot["number"] = number
        rendered = render_sections(template, snapshot)
        for part in REASONING_PARTS:
            if not rendered.reasoning[part]:
                raise InvalidInput(
                    _("The %(part)s part of the reasoning is empty: give it in the context or the template.")
                    % {"part": part},
                    field=f"reasoning.{part}",
                )
        doc = IssuedDocument(
            kind=kind,
            number=number,
            series=template.series,
            year=today.year,
            seq=seq,
            title=template.title,
            bureau_name=snapshot["bureau"]["name"],
            target_type=key[0],
            target_id=key[1],
            place_code=where or "",
            party_name=str(snapshot["party"]["name"])[:100],
            context=snapshot,
            sections=rendered.sections,
            reasoning_facts=rendered.reasoning["facts"],
            reasoning_law=rendered.reasoning["law"],
            reasoning_reason=rendered.reasoning["reason"],
            reasoning_feeling=rendered.reasoning["feeling"],
            template_version=template.version,
            supersedes=supersedes,
            correction_reason=correction_reason.strip(),
            created_by=actor,
        )
        doc.rendered_html = build_html(doc)
        doc.save()
        audit(
            "documents.issue",
            actor=actor,
            target=doc,
            payload={
                "kind": kind,
                "number": number,
                "target": f"{key[0]}:{key[1]}",
                "supersedes": supersedes.number if supersedes else "",
            },
        )
    return doc


def render_html(doc: IssuedDocument) -> str:
    """The printable page of ``doc`` exactly as issued."""
    return doc.rendered_html


def render_docx(doc: IssuedDocument) -> bytes:
    """``doc`` as a Word file, laid out from what was issued."""
    return build_docx(doc)


def docx_filename(doc: IssuedDocument) -> str:
    return f"{doc.title}-{doc.number}.docx"
