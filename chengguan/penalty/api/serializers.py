"""Input shapes (one per endpoint, strict) and the read shapes of proceedings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chengguan.cases.api.serializers import ErrorSerializer, FilesField, StrictSerializer
from chengguan.penalty import models as m
from chengguan.penalty.limits import LimitUnit  # noqa: F401  (documented in the schema)
from chengguan.penalty.rules import PenaltyKind

__all__ = ["ErrorSerializer"]

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault(
            "help_text", _("The proceeding's version you last read; a stale version gets a 409.")
        )
        super().__init__(**kwargs)


def _text(required: bool = True, max_length: int = 20000) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length)
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, default="")


def _ids() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20)


class OpenSerializer(StrictSerializer):
    violation = serializers.IntegerField(min_value=1)
    officers = _ids()
    continuing_until = serializers.DateField(required=False, allow_null=True, default=None)
    long_limitation = serializers.BooleanField(required=False, default=False)
    is_major = serializers.BooleanField(required=False, default=False)
    is_complex = serializers.BooleanField(required=False, default=False)
    note = _text(False)


class SummarySerializer(StrictSerializer):
    violation = serializers.IntegerField(min_value=1)
    officers = _ids()
    penalty_kind = serializers.ChoiceField(choices=PenaltyKind.choices)
    fine = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    justification = _text(False)
    facts = _text()
    legal_basis = _text()
    rights_told = serializers.BooleanField()
    party_statement = _text(False)
    recipient = _text(False, 100)
    files = FilesField()


class AssignOfficersSerializer(StrictSerializer):
    version = VersionField()
    officers = _ids()


class ClassifySerializer(StrictSerializer):
    version = VersionField()
    is_major = serializers.BooleanField()
    is_complex = serializers.BooleanField()
    reason = _text()


class RecordSerializer(StrictSerializer):
    version = VersionField()
    kind = serializers.ChoiceField(choices=m.RecordKind.choices)
    content = _text()
    officers = _ids()
    started_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = _text(False, 200)
    interviewee = _text(False, 100)
    files = FilesField()


class ExtendSerializer(StrictSerializer):
    version = VersionField()
    days = serializers.IntegerField(min_value=1, max_value=366)
    reason = _text()
    collective = serializers.BooleanField(required=False, default=False)


class NoticeSerializer(StrictSerializer):
    version = VersionField()
    facts = _text()
    reasons = _text()
    legal_basis = _text()
    penalty_kind = serializers.ChoiceField(choices=PenaltyKind.choices)
    fine = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    confiscation = serializers.DecimalField(required=False, default=0, **MONEY)
    justification = _text(False)
    provisions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_null=True, default=None
    )
    circumstances = serializers.DictField(child=serializers.CharField(), required=False, default=dict)
    base_amount = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)


class ServiceSerializer(StrictSerializer):
    version = VersionField()
    method = serializers.ChoiceField(choices=m.ServiceMethod.choices)
    served_on = serializers.DateField(required=False, allow_null=True, default=None)
    recipient = _text(False, 100)
    address = _text(False, 200)
    witness = _text(False, 100)
    consent_confirmed = serializers.BooleanField(required=False, default=False)
    tracking_number = _text(False, 64)
    note = _text(False)
    files = FilesField()


class StatementSerializer(StrictSerializer):
    version = VersionField()
    content = _text()
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class HearingRequestSerializer(StrictSerializer):
    version = VersionField()
    content = _text(False)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseStatementSerializer(StrictSerializer):
    version = VersionField()
    review_note = _text(False)


class ScheduleHearingSerializer(ServiceSerializer):
    scheduled_for = serializers.DateTimeField()
    place = _text(True, 200)
    host = serializers.IntegerField(min_value=1)
    public = serializers.BooleanField(required=False, default=True)


class HoldHearingSerializer(StrictSerializer):
    version = VersionField()
    record = _text()
    held_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    party_absent = serializers.BooleanField(required=False, default=False)


class LegalReviewSerializer(StrictSerializer):
    version = VersionField()
    result = serializers.ChoiceField(choices=m.ReviewResult.choices)
    opinion = _text()


class DiscussionSerializer(StrictSerializer):
    version = VersionField()
    participants = _text()
    conclusion = _text()
    held_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DecideSerializer(StrictSerializer):
    version = VersionField()
    outcome = serializers.ChoiceField(choices=m.Outcome.choices, required=False, default=m.Outcome.PENALTY)
    penalty_kind = serializers.ChoiceField(choices=PenaltyKind.choices, required=False, default="")
    fine = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    confiscation = serializers.DecimalField(required=False, default=0, **MONEY)
    facts = _text(False)
    reasons = _text(False)
    legal_basis = _text(False)
    justification = _text(False)


class PaymentSerializer(StrictSerializer):
    version = VersionField()
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=m.PaymentMethod.choices)
    receipt_number = _text(True, 64)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)


class DemandSerializer(StrictSerializer):
    version = VersionField()
    how_to_pay = _text(False)


class CourtSerializer(StrictSerializer):
    version = VersionField()
    court = _text(True, 100)
    note = _text(False)


class FileSummarySerializer(StrictSerializer):
    version = VersionField()
    filed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProposeCorrectionSerializer(StrictSerializer):
    version = VersionField()
    new_fine = serializers.DecimalField(**MONEY)
    reason = _text()


class DecideCorrectionSerializer(StrictSerializer):
    version = VersionField()
    approve = serializers.BooleanField()
    note = _text(False)


class ProceedingQuerySerializer(StrictSerializer):
    state = serializers.ChoiceField(choices=m.State.choices, required=False)
    procedure = serializers.ChoiceField(choices=m.Procedure.choices, required=False)
    page = serializers.IntegerField(min_value=1, required=False)


# --- read shapes ------------------------------------------------------------------------------------------


class PendingStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    opens = serializers.DateField(allow_null=True)
    who = serializers.ChoiceField(choices=[("bureau", "bureau"), ("party", "party")])
    status = serializers.ChoiceField(
        choices=[("on_time", "on time"), ("due_soon", "due soon"), ("overdue", "overdue")]
    )


class ProceedingSummarySerializer(serializers.ModelSerializer):
    party_name = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()

    class Meta:
        model = m.Proceeding
        fields = [
            "id",
            "number",
            "procedure",
            "state",
            "version",
            "violation",
            "party_name",
            "grid_code",
            "opened_on",
            "decided_on",
            "payment_due",
            "pending",
        ]

    def get_party_name(self, p: m.Proceeding) -> str:
        from chengguan.enforcement.privacy import mask_party

        return str(mask_party(p.party, self.context.get("viewer")).get("name", ""))

    def get_pending(self, p: m.Proceeding) -> list[dict[str, Any]]:
        from chengguan.penalty.selectors import pending_steps

        return [s.to_dict() for s in pending_steps(p, self.context.get("now"))]


def _rows(queryset: Any, fields: list[str]) -> list[dict[str, Any]]:
    out = []
    for row in queryset:
        item = {}
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()
            elif hasattr(value, "quantize"):
                value = str(value)
            item[name] = value
        out.append(item)
    return out
