"""The shapes of the cases API: one input serializer per endpoint, separate read serializers.

Inputs are strict: a key the endpoint does not know is refused with a 400 naming it. Read shapes
never change state; the few values that depend on the viewer (the reporter's contact details, the
internal timeline) are decided by ``Viewer`` from the request's user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chengguan.cases import access
from chengguan.cases.models import Case, CaseEvent, ExtensionRequest, Source, Urgency
from chengguan.catalog.models import Category, CategoryKind, TimeLimit, localized_name
from chengguan.evidence.models import Evidence
from chengguan.geo.coords import CRS
from chengguan.org.models import Unit

# Largest number of files in one upload.
MAX_FILES = 20


@dataclass(frozen=True)
class Viewer:
    """What the request's user may read in a case representation."""

    sees_contact: bool
    sees_internal: bool

    @classmethod
    def of(cls, user: Any) -> Viewer:
        return cls(
            sees_contact=access.can_read_reporter_contact(user),
            sees_internal=access.can_read_internal_details(user),
        )


# --- strict input ---------------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses keys that are not fields of the serializer (``files[]`` counts as ``files``)."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            known = set(self.fields)
            unknown = sorted(k for k in data if k not in known and _list_key(k) not in known)
            if unknown:
                raise serializers.ValidationError({unknown[0]: [_("This field is not accepted here.")]})
        return super().to_internal_value(data)


def _list_key(key: str) -> str:
    return key[:-2] if key.endswith("[]") else key


class FilesField(serializers.ListField):
    """A list of uploaded files, read from a multipart ``files`` (or ``files[]``) part."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.FileField(allow_empty_file=False))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_FILES)
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name) + dictionary.getlist(self.field_name + "[]")
            return values or serializers.empty
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> Any:
        return tuple(super().to_internal_value(data))


class CoordinateField(serializers.FloatField):
    """A finite number (``true``/``false`` are not numbers)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """An ISO 8601 date and time with a UTC offset; a naive time is refused, not guessed."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Give an ISO 8601 date and time with a time zone, e.g. 2025-03-01T08:00:00+08:00."
        ),
    }

    def to_internal_value(self, data: Any) -> dt.datetime:
        if isinstance(data, dt.datetime):
            value: dt.datetime | None = data
        elif isinstance(data, str) and len(data) <= 64:
            text = data.strip()
            # "+08:00" in an unencoded query string arrives as " 08:00"
            text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
            try:
                value = parse_datetime(text)
            except ValueError:
                value = None
        else:
            value = None
        if value is None or value.tzinfo is None or value.utcoffset() is None:
            self.fail("invalid")
        return value

    def to_representation(self, value: dt.datetime) -> str:
        return value.isoformat()


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault(
            "help_text", gettext_lazy("The case version you last read; a stale version gets a 409.")
        )
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class CategoryCodeField(serializers.Field):
    """A category by its four-digit code: ``"0504"`` with the serializer's ``kind``, or ``"event:0504"``.

    The same code exists in both kinds (component 0101 上水井盖, event 0101 私搭乱建), so a bare code
    that matches two categories is refused unless ``kind`` says which.
    """

    default_error_messages = {
        "invalid": gettext_lazy("Give a category as a four-digit code, or kind:code such as event:0504."),
        "unknown": gettext_lazy("No active category has the code {code}."),
        "ambiguous": gettext_lazy("The code {code} is both a component and an event category; give kind."),
    }

    def to_internal_value(self, data: Any) -> Category:
        match = re.fullmatch(r"(?:(component|event):)?(\d{4})", data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        kind, code = match.group(1), match.group(2)
        root = getattr(self, "parent", None)
        if kind is None and root is not None and hasattr(getattr(root, "initial_data", None), "get"):
            asked = root.initial_data.get("kind")
            kind = asked if asked in CategoryKind.values else None
        matches = list(
            Category.objects.filter(code=code, is_active=True, **({"kind": kind} if kind else {}))
            .select_related("major")
            .order_by("kind")[:2]
        )
        if not matches:
            self.fail("unknown", code=code)
        if len(matches) > 1:
            self.fail("ambiguous", code=code)
        return matches[0]

    def to_representation(self, value: Category) -> str:
        return f"{value.kind}:{value.code}"


@extend_schema_field(OpenApiTypes.STR)
class UnitCodeField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": gettext_lazy("No unit has the code {value}."),
        "invalid": gettext_lazy("Give a unit code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Unit.objects.all(), **kwargs)


# --- input: intake -----------------------------------------------------------------------------------


class CaseCreateSerializer(StrictSerializer):
    """A report: JSON, or multipart with photos in ``files``."""

    source = serializers.ChoiceField(
        choices=Source.choices, help_text=gettext_lazy("Not camera: cameras report through their webhook.")
    )
    category = CategoryCodeField()
    kind = serializers.ChoiceField(
        choices=CategoryKind.choices,
        required=False,
        help_text=gettext_lazy("Only needed when the code exists in both kinds."),
    )
    lon = CoordinateField()
    lat = CoordinateField()
    crs = serializers.ChoiceField(choices=[(c.value, c.value) for c in CRS], default="wgs84")
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    reporter_email = serializers.EmailField(required=False, allow_blank=True, max_length=254, default="")
    reported_at = AwareDateTimeField(required=False)
    files = FilesField()

    def validate_source(self, value: str) -> str:
        if value == Source.CAMERA:
            raise serializers.ValidationError(_("Cameras report through the camera webhook."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("kind", None)
        return attrs


# --- input: workflow actions ----------------------------------------------------------------------------


class RegisterSerializer(StrictSerializer):
    version = VersionField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    category = CategoryCodeField(required=False)
    kind = serializers.ChoiceField(choices=CategoryKind.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("kind", None)
        return attrs


class ReasonSerializer(StrictSerializer):
    """reject, return, suspend, cancel: a version and a reason."""

    version = VersionField()
    reason = serializers.CharField(max_length=2000)


class RejectSerializer(ReasonSerializer):
    pass


class ReturnSerializer(ReasonSerializer):
    pass


class SuspendSerializer(ReasonSerializer):
    pass


class CancelSerializer(ReasonSerializer):
    pass


class MergeSerializer(StrictSerializer):
    version = VersionField()
    into = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=gettext_lazy("Id of the case this report duplicates.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DispatchSerializer(StrictSerializer):
    version = VersionField()
    unit = UnitCodeField(
        required=False, allow_null=True, help_text=gettext_lazy("Unit code; empty: the suggested unit.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("unit") is not None:
            attrs["unit"] = attrs["unit"].pk
        return attrs


class AcceptSerializer(StrictSerializer):
    version = VersionField()


class ReportBackSerializer(StrictSerializer):
    version = VersionField()
    note = serializers.CharField(max_length=4000)
    files = FilesField()


class VerifySerializer(StrictSerializer):
    version = VersionField()
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    files = FilesField()


class ExtensionSerializer(StrictSerializer):
    version = VersionField()
    working_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("999.9")
    )
    reason = serializers.CharField(max_length=2000)


class ResumeSerializer(StrictSerializer):
    version = VersionField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TransferSerializer(StrictSerializer):
    version = VersionField()
    agency = UnitCodeField(help_text=gettext_lazy("Code of the agency that takes the case over."))
    reason = serializers.CharField(max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["agency"] = attrs["agency"].pk
        return attrs


class UrgeSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DecideExtensionSerializer(StrictSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class LocateQuerySerializer(StrictSerializer):
    lon = serializers.CharField(max_length=64)
    lat = serializers.CharField(max_length=64)
    crs = serializers.ChoiceField(choices=[(c.value, c.value) for c in CRS], default="wgs84")


# --- read shapes ----------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user)


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, category: Category) -> str:
        return localized_name(category)


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class CaseSummarySerializer(serializers.ModelSerializer):
    """A case in a list: what a dispatcher's table shows."""

    category = CategoryRefSerializer()
    assigned_unit = UnitRefSerializer(allow_null=True)
    deadline_status = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "number",
            "state",
            "version",
            "category",
            "urgency",
            "source",
            "description",
            "address",
            "lon",
            "lat",
            "grid_code",
            "community_code",
            "street_code",
            "district_code",
            "assigned_unit",
            "reported_at",
            "current_due",
            "deadline_status",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["on_time", "due_soon", "overdue"], allow_null=True))
    def get_deadline_status(self, case: Case) -> str | None:
        from chengguan.cases import selectors

        return selectors.deadline_status(case, now=self.context.get("now"))

    def get_url(self, case: Case) -> str:
        return reverse("api:case-detail", args=[case.pk])


class EventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "actor", "at", "from_state", "to_state", "note", "payload", "public"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "mime_type",
            "size_bytes",
            "sha256",
            "original_name",
            "owner_type",
            "owner_id",
            "uploaded_at",
            "captured_at",
            "capture_lon",
            "capture_lat",
            "time_mismatch",
            "place_mismatch",
            "mismatch_note",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, evidence: Evidence) -> str:
        return reverse("api:case-evidence", args=[self.context["case_id"], evidence.pk])


class ExtensionReadSerializer(serializers.ModelSerializer):
    requested_by = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_by",
            "requested_at",
            "working_hours",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSummarySerializer):
    """Everything about one case this viewer may read.

    The view passes ``events``, ``evidence``, ``merged_reports`` and ``extensions`` in the context,
    fetched in a fixed number of queries.
    """

    suggested_unit = UnitRefSerializer(allow_null=True)
    transferred_to = UnitRefSerializer(allow_null=True)
    officer = UserRefSerializer(allow_null=True)
    verifier = UserRefSerializer(allow_null=True)
    merged_into = CaseRefSerializer(allow_null=True)
    reporter_phone = serializers.SerializerMethodField()
    reporter_email = serializers.SerializerMethodField()
    calendar_warning = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    merged_reports = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "beat_code",
            "permitted_zone_code",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "suggested_unit",
            "officer",
            "verifier",
            "transferred_to",
            "merged_into",
            "registered_at",
            "dispatched_at",
            "accepted_at",
            "handled_at",
            "verified_at",
            "closed_at",
            "cancelled_at",
            "register_due",
            "dispatch_due",
            "handle_due",
            "verify_due",
            "suspended_at",
            "suspended_from",
            "rework_count",
            "extension_count",
            "urge_count",
            "escalation_level",
            "overdue_marked_at",
            "closed_on_time",
            "calendar_warning",
            "timeline",
            "evidence",
            "merged_reports",
            "extensions",
        ]
        read_only_fields = fields

    def _viewer(self) -> Viewer:
        return self.context.get("viewer") or Viewer(False, False)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_phone(self, case: Case) -> str | None:
        return case.reporter_phone if self._viewer().sees_contact else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_email(self, case: Case) -> str | None:
        return case.reporter_email if self._viewer().sees_contact else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_calendar_warning(self, case: Case) -> list[int]:
        from chengguan.cases import selectors

        return list(selectors.calendar_warning(case))

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: Case) -> list[dict[str, Any]]:
        events = self.context.get("events", [])
        if self._viewer().sees_internal:
            return EventSerializer(events, many=True).data
        # the public see the public steps, without who took them or the internal details
        return [
            {**row, "actor": None, "payload": {}}
            for row in EventSerializer([e for e in events if e.public], many=True).data
        ]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, case: Case) -> list[dict[str, Any]]:
        return EvidenceSerializer(
            self.context.get("evidence", []), many=True, context={"case_id": case.pk}
        ).data

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_merged_reports(self, case: Case) -> list[dict[str, Any]]:
        return CaseRefSerializer(self.context.get("merged_reports", []), many=True).data

    @extend_schema_field(ExtensionReadSerializer(many=True))
    def get_extensions(self, case: Case) -> list[dict[str, Any]]:
        return ExtensionReadSerializer(self.context.get("extensions", []), many=True).data


class IntakeResultSerializer(serializers.Serializer):
    case = CaseDetailSerializer()
    duplicates = CaseSummarySerializer(
        many=True, help_text=gettext_lazy("Open cases nearby that may be the same.")
    )


class TimeLimitSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeLimit
        fields = ["step", "urgency", "amount", "unit"]
        read_only_fields = fields


class MajorClassRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, major: Any) -> str:
        return localized_name(major)


class CategoryReadSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    major = MajorClassRefSerializer()
    time_limits = TimeLimitSerializer(many=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "name_zh",
            "name_en",
            "major",
            "attribution_rule",
            "handling_unit_kind",
            "handling_specialty",
            "enforcement_link",
            "registration_criteria",
            "closure_criteria",
            "version",
            "time_limits",
        ]
        read_only_fields = fields

    def get_name(self, category: Category) -> str:
        return localized_name(category)


class LocationSerializer(serializers.Serializer):
    """The answer of ``geo.locate`` (see chengguan/geo/locate.py)."""

    lon = serializers.FloatField()
    lat = serializers.FloatField()
    grid = UnitRefSerializer()
    community = UnitRefSerializer()
    street = UnitRefSerializer(allow_null=True)
    district = UnitRefSerializer(allow_null=True)
    beat = UnitRefSerializer(allow_null=True)
    squadron = UnitRefSerializer(allow_null=True)
    officer = UserRefSerializer(allow_null=True)
    vending_zone = UnitRefSerializer(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """Every error body of the API (rendered by chengguan.core.api.exception_handler)."""

    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)
