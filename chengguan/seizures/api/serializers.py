"""Input shapes (one per endpoint, strict) of the seizures API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chengguan.cases.api.serializers import (
    AwareDateTimeField,
    CoordinateField,
    ErrorSerializer,
    FilesField,
    StrictSerializer,
)
from chengguan.seizures import models as m

__all__ = ["ErrorSerializer"]


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault("help_text", _("The seizure's version you last read; a stale version gets a 409."))
        super().__init__(**kwargs)


def _text(required: bool = True, max_length: int = 20000) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length)
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, default="")


def _ids() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20)


class SeizureItemSerializer(StrictSerializer):
    name = _text(max_length=100)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    unit = _text(max_length=16)
    condition = _text(False, 200)


class SeizureCreateSerializer(StrictSerializer):
    violation = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=m.SeizureKind.choices, required=False, default=m.SeizureKind.SEIZE)
    reason = _text()
    legal_basis = _text()
    storage_place = _text(max_length=200)
    officers = _ids()
    approved_by = serializers.IntegerField(min_value=1)
    items = SeizureItemSerializer(many=True, allow_empty=False)
    return_after_penalty = serializers.BooleanField(required=False, default=True)


class SeizureAddItemSerializer(SeizureItemSerializer):
    version = VersionField()


class SeizurePhotoSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=False)


class SeizureCopySerializer(StrictSerializer):
    version = VersionField()
    holder = serializers.ChoiceField(choices=m.CopyHolder.choices)
    signed_by = _text(False, 100)
    refused = serializers.BooleanField(required=False, default=False)
    witness = _text(False, 100)
    signed_at = AwareDateTimeField(required=False, allow_null=True, default=None)


class SeizureEvaluationSerializer(StrictSerializer):
    version = VersionField()
    kind = serializers.ChoiceField(choices=m.EvaluationKind.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    institution = _text(False, 100)
    note = _text(False)


class SeizureEndEvaluationSerializer(StrictSerializer):
    version = VersionField()
    ended_on = serializers.DateField()


class SeizureExtendSerializer(StrictSerializer):
    version = VersionField()
    days = serializers.IntegerField()
    reason = _text()


class SeizureReleaseSerializer(StrictSerializer):
    version = VersionField()
    kind = serializers.ChoiceField(
        choices=[(k, label) for k, label in m.ReleaseKind.choices if k not in ("penalty_paid", "expired")]
    )
    reason = _text()


class SeizureReturnSerializer(StrictSerializer):
    version = VersionField()
    returned_to = _text(max_length=100)
    receipt_number = _text(max_length=64)
    returned_at = AwareDateTimeField(required=False, allow_null=True, default=None)


class SeizureDisposeSerializer(StrictSerializer):
    version = VersionField()
    method = serializers.ChoiceField(choices=m.DisposalMethod.choices)
    decision_number = _text(max_length=64)


class ObstructionIncidentSerializer(StrictSerializer):
    occurred_at = AwareDateTimeField()
    lon = CoordinateField()
    lat = CoordinateField()
    address = _text(max_length=200)
    description = _text()
    injuries = _text(False)
    officers = _ids()
    violation = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    files = FilesField()


class ObstructionReferralSerializer(StrictSerializer):
    police_station = _text(max_length=100)
    reference_number = _text(max_length=64)
    referred_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    note = _text(False)
