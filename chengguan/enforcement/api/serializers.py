"""Input and output shapes of the enforcement API. Input is validated strictly; the party's
identifiers always leave through ``privacy.mask_party``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chengguan.enforcement.models import (
    Corrected,
    EnforcementStep,
    Harm,
    LegalProvision,
    Offence,
    Party,
    PartyKind,
    ReinspectionResult,
    ReinspectionTask,
    Scale,
    Violation,
    ViolationType,
)
from chengguan.enforcement.privacy import mask_party

# --- input ------------------------------------------------------------------------------------------


class PartyCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True)
    usual_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)


class MatchQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ViolationCreateSerializer(serializers.Serializer):
    violation_type = serializers.CharField(max_length=64, help_text="id or code of the violation type")
    party = serializers.IntegerField(required=False, min_value=1, help_text="an existing party, confirmed")
    new_party = PartyCreateSerializer(required=False)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    occurred_at = serializers.DateTimeField(required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    scale = serializers.ChoiceField(choices=Scale.choices, required=False)
    harm = serializers.ChoiceField(choices=Harm.choices, required=False)
    case = serializers.IntegerField(required=False, min_value=1)


class ChooseStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=EnforcementStep.choices)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)
    education_note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)


class ReinspectionResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[ReinspectionResult.CORRECTED, ReinspectionResult.NOT_CORRECTED])
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class FineQuerySerializer(serializers.Serializer):
    violation_type = serializers.CharField(max_length=64)
    offence = serializers.ChoiceField(choices=Offence.choices, default=Offence.FIRST)
    scale = serializers.ChoiceField(choices=Scale.choices, default=Scale.SMALL)
    harm = serializers.ChoiceField(choices=Harm.choices, default=Harm.MINOR)
    corrected = serializers.ChoiceField(choices=Corrected.choices, default=Corrected.NO)
    base_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, min_value=0)


# --- output -----------------------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    """A party as the viewer (``context["viewer"]``) may see it: masked unless authorised."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField()
    credit_code = serializers.CharField()
    plate = serializers.CharField()
    phone = serializers.CharField()
    usual_place = serializers.CharField()
    masked = serializers.BooleanField()

    def to_representation(self, instance: Party) -> dict[str, Any]:
        return mask_party(instance, self.context.get("viewer"))


class CandidateSerializer(serializers.Serializer):
    party = serializers.DictField()
    score = serializers.FloatField()
    exact = serializers.CharField(help_text="the identifier that matched exactly, or empty")
    parts = serializers.DictField(help_text="weighted contribution of name, phone and place")


class ProvisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalProvision
        fields = ["code", "law_name", "article", "text", "penalty_text"]


class ViolationTypeSerializer(serializers.ModelSerializer):
    provisions = ProvisionSerializer(many=True, read_only=True)
    category = serializers.SerializerMethodField()

    class Meta:
        model = ViolationType
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "category",
            "provisions",
            "minor_first_offence",
            "lookback_days",
            "rectification_days",
            "reminder_text",
        ]

    def get_category(self, obj: ViolationType) -> str | None:
        return obj.category.code if obj.category_id else None


class ReinspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReinspectionTask
        fields = [
            "id",
            "violation",
            "due_date",
            "assigned_to",
            "result",
            "inspected_at",
            "inspected_by",
            "note",
        ]


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    sha256 = serializers.CharField()
    captured_at = serializers.DateTimeField(allow_null=True)
    uploaded_at = serializers.DateTimeField()
    owner = serializers.CharField()


class ViolationSerializer(serializers.ModelSerializer):
    violation_type = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    party = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()
    resolution = serializers.CharField(source="get_status_display")
    reinspections = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Violation
        fields = [
            "id",
            "version",
            "party",
            "violation_type",
            "category",
            "case",
            "occurred_at",
            "lon",
            "lat",
            "address",
            "grid_code",
            "district_code",
            "description",
            "scale",
            "harm",
            "officer",
            "status",
            "resolution",
            "proposed_step",
            "proposal_basis",
            "chosen_step",
            "choice_reason",
            "chosen_at",
            "education_given",
            "education_note",
            "rectification_deadline",
            "resolved_at",
            "reinspections",
            "evidence",
            "created_at",
        ]

    def get_violation_type(self, obj: Violation) -> dict[str, Any]:
        return {"id": obj.violation_type_id, "code": obj.violation_type.code, "name": obj.violation_type.name}

    def get_category(self, obj: Violation) -> str | None:
        vtype = obj.violation_type
        return vtype.category.code if vtype.category_id else None

    def get_party(self, obj: Violation) -> dict[str, Any]:
        return mask_party(obj.party, self.context.get("viewer"))

    def get_officer(self, obj: Violation) -> dict[str, Any]:
        return {"id": obj.officer_id, "name": str(obj.officer)}

    def get_reinspections(self, obj: Violation) -> list[dict[str, Any]]:
        return ReinspectionSerializer(list(obj.reinspections.all()), many=True).data

    def get_evidence(self, obj: Violation) -> list[dict[str, Any]]:
        evidence = self.context.get("evidence", {}).get(obj.pk, [])
        return EvidenceRefSerializer(evidence, many=True).data
