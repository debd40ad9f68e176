"""Reads of the ledger: searching parties, a party's history, the evidence of violations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from chengguan.core.errors import InvalidInput
from chengguan.enforcement.identifiers import (
    normalise_credit_code,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
)
from chengguan.enforcement.models import Party, Violation
from chengguan.evidence.models import Evidence

VIOLATION_OWNER_TYPE = "enforcement.violation"
CASE_OWNER_TYPE = "cases.case"


def _quietly(normalise: Any, text: str) -> str:
    try:
        return normalise(text)
    except InvalidInput:
        return ""


def search_parties(*, query: str) -> QuerySet[Party]:
    """Parties whose ID number, credit code, plate or phone equals ``query`` (normalised), or whose
    name contains it. An empty query lists the newest parties."""
    rows = Party.objects.all()
    text = (query or "").strip()
    if not text:
        return rows.order_by("-created_at", "-pk")
    condition = Q(name__contains=normalise_name(text))
    for field, normalise in (
        ("id_number", normalise_id_number),
        ("credit_code", normalise_credit_code),
        ("plate", normalise_plate),
        ("phone", normalise_phone),
    ):
        value = _quietly(normalise, text)
        if value:
            condition |= Q(**{field: value})
    return rows.filter(condition).order_by("-created_at", "-pk")


def get_party_history(*, party: Party) -> list[Violation]:
    """Every violation of ``party``, newest first, with what the history shows loaded up front."""
    return list(
        Violation.objects.filter(party=party)
        .select_related("violation_type", "violation_type__category", "officer", "party", "case")
        .prefetch_related("reinspections")
        .order_by("-occurred_at", "-pk")
    )


@dataclass(frozen=True)
class EvidenceRef:
    id: int
    kind: str
    sha256: str
    captured_at: Any
    uploaded_at: Any
    owner: str  # "violation" or "case"
    mime_type: str
    original_name: str


def evidence_by_violation(violations: Iterable[Violation]) -> dict[int, list[EvidenceRef]]:
    """The evidence of each violation: its own files and those of the case it came from (two queries)."""
    violations = list(violations)
    by_id = {str(v.pk): v.pk for v in violations}
    by_case: dict[str, list[int]] = defaultdict(list)
    for v in violations:
        if v.case_id:
            by_case[str(v.case_id)].append(v.pk)
    found: dict[int, list[EvidenceRef]] = defaultdict(list)
    rows = Evidence.objects.filter(
        Q(owner_type=VIOLATION_OWNER_TYPE, owner_id__in=list(by_id))
        | Q(owner_type=CASE_OWNER_TYPE, owner_id__in=list(by_case))
    ).order_by("uploaded_at", "pk")
    for e in rows:
        ref = EvidenceRef(
            e.pk,
            e.kind,
            e.sha256,
            e.captured_at,
            e.uploaded_at,
            "violation" if e.owner_type == VIOLATION_OWNER_TYPE else "case",
            e.mime_type,
            e.original_name,
        )
        if e.owner_type == VIOLATION_OWNER_TYPE:
            found[by_id[e.owner_id]].append(ref)
        else:
            for vid in by_case[e.owner_id]:
                found[vid].append(ref)
    return dict(found)
