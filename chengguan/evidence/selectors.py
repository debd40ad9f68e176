"""Reading evidence."""

from __future__ import annotations

from django.db.models import QuerySet

from chengguan.evidence.models import Evidence


def evidence_for(owner_type: str, owner_id: str) -> QuerySet[Evidence]:
    """The evidence of one owner (e.g. ``"cases.report"``, ``"42"``), oldest first."""
    return Evidence.objects.filter(owner_type=owner_type, owner_id=str(owner_id)).order_by(
        "uploaded_at", "id"
    )
