"""Read API of the evaluation: ``GET /api/v1/evaluation/?month=2026-10&subject=squadron``.

The month's stored results (written by ``chengguan evaluate``) are served when they exist, else the
ranking is computed on the spot. Rows outside the caller's territory or unit are left out; ranks
stay the citywide ranks.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core.errors import InvalidInput
from chengguan.evaluation.access import row_filter_for
from chengguan.evaluation.counters import SubjectKind
from chengguan.evaluation.selectors import check_subject_kind, evaluate, get_assessments, parse_month


def _assessment_dict(assessment: Any) -> dict[str, Any]:
    return {
        "rank": assessment.rank,
        "subject_kind": assessment.subject_kind,
        "code": assessment.subject_code,
        "name": assessment.subject_name,
        "score": None if assessment.score is None else str(assessment.score),
        "counters": assessment.counters,
        "indicators": assessment.indicators,
    }


class EvaluationView(APIView):
    @extend_schema(
        summary="Monthly ranking (综合评价)",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM, e.g. 2026-10"),
            OpenApiParameter("subject", OpenApiTypes.STR, required=True, enum=list(SubjectKind.values)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        month = request.query_params.get("month", "")
        subject_kind = request.query_params.get("subject", "")
        if not subject_kind:
            raise InvalidInput(_("Say which subjects to rank, e.g. subject=squadron."), field="subject")
        check_subject_kind(subject_kind)
        first, last = parse_month(month)
        visible = row_filter_for(request.user, subject_kind)
        stored = get_assessments(period_start=first, period_end=last, subject_kind=subject_kind)
        if stored:
            source = "snapshot"
            computed_at: str | None = stored[0].computed_at.isoformat()
            rows = [_assessment_dict(a) for a in stored]
        else:
            source = "live"
            computed_at = None
            rows = [
                row.to_dict()
                for row in evaluate(period_start=first, period_end=last, subject_kind=subject_kind)
            ]
        if visible is not None:
            rows = [row for row in rows if visible(row["code"])]
        return Response(
            {
                "month": month,
                "period_start": first.isoformat(),
                "period_end": last.isoformat(),
                "subject_kind": subject_kind,
                "source": source,
                "computed_at": computed_at,
                "results": rows,
            }
        )
