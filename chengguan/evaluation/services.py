"""Writes of the evaluation: month-end snapshots (``Assessment``) for fast reading by leaders."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chengguan.core.clock import now
from chengguan.evaluation.models import Assessment
from chengguan.evaluation.selectors import RankingRow


def do_store_assessments(
    *, period_start: dt.date, period_end: dt.date, subject_kind: str, rows: list[RankingRow]
) -> int:
    """Replace the stored results of ``subject_kind`` for the period with ``rows`` (one transaction)."""
    computed_at = now()
    with transaction.atomic():
        Assessment.objects.filter(
            period_start=period_start, period_end=period_end, subject_kind=subject_kind
        ).delete()
        Assessment.objects.bulk_create(
            [
                Assessment(
                    period_start=period_start,
                    period_end=period_end,
                    subject_kind=subject_kind,
                    subject_code=row.code,
                    subject_name=row.name[:100],
                    counters=row.counters,
                    indicators=[indicator.to_dict() for indicator in row.indicators],
                    score=row.score_decimal,
                    rank=row.rank,
                    computed_at=computed_at,
                )
                for row in rows
            ],
            batch_size=1000,
        )
    return len(rows)
