"""The ledger (台账) of parties and their violations, graduated enforcement and discretion benchmarks.

* ``LegalProvision``: an article of a law or regulation, its text editable in the admin.
* ``ViolationType``: what a party did wrong, linked to a catalog category and to the provisions it
  breaks; says whether a first minor violation may be answered with education (首违不罚) and how far
  back the ledger looks for earlier violations.
* ``Party``: a person, individual business, company or vehicle, found again by its identifiers.
* ``Violation``: one violation of one party, with the step the system proposed, the step the
  officer chose (and why, when they differ) and the resolution.
* ``ReinspectionTask``: the check after a rectification order (corrected / not corrected).
* ``DiscretionBenchmark``: the fine range for a violation type under given circumstances.

State changes go through ``chengguan.enforcement.workflow``; nothing else saves a violation's step.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalProvision(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    law_name = models.CharField(_("law or regulation"), max_length=100)
    article = models.CharField(_("article"), max_length=32)
    text = models.TextField(_("article text"), blank=True)
    penalty_text = models.TextField(
        _("penalty text"), blank=True, help_text=_("What the provision says the penalty is.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("legal provision")
        verbose_name_plural = _("legal provisions")
        ordering = ["law_name", "code"]

    def __str__(self) -> str:
        return f"{self.law_name}{self.article}"


class ViolationType(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("catalog category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="violation_types",
    )
    provisions = models.ManyToManyField(
        LegalProvision, verbose_name=_("legal provisions"), blank=True, related_name="violation_types"
    )
    minor_first_offence = models.BooleanField(
        _("first minor violation may go unpunished"),
        default=False,
        help_text=_(
            "首违不罚 (Administrative Penalty Law art. 33): a first violation with minor harm is "
            "answered with education and a warm reminder."
        ),
    )
    lookback_days = models.PositiveIntegerField(
        _("look-back (days)"),
        default=365,
        help_text=_("Earlier violations of this type within this many days count against the party."),
    )
    rectification_days = models.PositiveIntegerField(
        _("rectification time limit (working days)"),
        default=3,
        help_text=_("0: the order must be complied with the same day."),
    )
    reminder_text = models.TextField(
        _("warm reminder text"), blank=True, help_text=_("What the warm reminder tells the party.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COMPANY = "company", _("Company")
    VEHICLE = "vehicle", _("Vehicle")


class Party(models.Model):
    """A party (当事人) of the ledger. Identifiers are stored normalised (upper case, no spaces)."""

    kind = models.CharField(_("kind"), max_length=24, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    plate = models.CharField(_("licence plate"), max_length=16, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    usual_place = models.CharField(_("usual place"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class EnforcementStep(models.TextChoices):
    EDUCATION = "education", _("Education")
    WARM_REMINDER = "warm_reminder", _("Warm reminder, no penalty")
    RECTIFICATION_ORDER = "rectification_order", _("Rectification order")
    PROCEEDINGS = "proceedings", _("Open proceedings")


# Steps that answer a violation with education only (no penalty).
EDUCATION_STEPS = frozenset({EnforcementStep.EDUCATION, EnforcementStep.WARM_REMINDER})


class ViolationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Step proposed, awaiting the officer")
    EDUCATED = "educated", _("Education given, no penalty")
    RECTIFYING = "rectifying", _("Rectification ordered")
    CORRECTED = "corrected", _("Corrected")
    PROCEEDINGS = "proceedings", _("Proceedings")


class Scale(models.TextChoices):
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Harm(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Violation(models.Model):
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="violations"
    )
    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("violation type"), on_delete=models.PROTECT, related_name="violations"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="violations",
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    description = models.TextField(_("description"), blank=True)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.SMALL)
    harm = models.CharField(_("harm"), max_length=8, choices=Harm.choices, default=Harm.MINOR)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ViolationStatus.choices, default=ViolationStatus.PROPOSED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    proposed_step = models.CharField(_("proposed step"), max_length=24, choices=EnforcementStep.choices)
    proposal_basis = models.JSONField(_("why this step was proposed"), default=dict, blank=True)
    chosen_step = models.CharField(
        _("chosen step"), max_length=24, choices=EnforcementStep.choices, blank=True
    )
    choice_reason = models.TextField(_("reason for the choice"), blank=True)
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    education_given = models.BooleanField(_("education given"), default=False)
    education_note = models.TextField(_("education given (what was said)"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["party", "violation_type", "occurred_at"], name="enf_violation_history")
        ]

    def __str__(self) -> str:
        return f"{self.violation_type} · {self.party.name}"

    def can_choose_step(self) -> bool:
        return self.status == ViolationStatus.PROPOSED


class ReinspectionResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    CORRECTED = "corrected", _("Corrected")
    NOT_CORRECTED = "not_corrected", _("Not corrected")


class ReinspectionTask(models.Model):
    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.CASCADE, related_name="reinspections"
    )
    due_date = models.DateField(_("due date"), db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(
        _("result"), max_length=16, choices=ReinspectionResult.choices, default=ReinspectionResult.PENDING
    )
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-inspection task")
        verbose_name_plural = _("re-inspection tasks")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.violation_id} · {self.due_date}"


class ViolationEvent(models.Model):
    """Append-only timeline of a violation: recorded, step chosen, re-inspected, escalated."""

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("violation event")
        verbose_name_plural = _("violation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.action}"


# --- discretion benchmarks (自由裁量基准) --------------------------------------------------------------


class Offence(models.TextChoices):
    FIRST = "first", _("First violation")
    REPEAT = "repeat", _("Repeated violation")


class Corrected(models.TextChoices):
    YES = "yes", _("Corrected")
    NO = "no", _("Not corrected")


class FineUnit(models.TextChoices):
    YUAN = "yuan", _("yuan")
    PERCENT = "percent", _("per cent of the base amount")


class DiscretionBenchmark(models.Model):
    """One row of a violation type's discretion table.

    Each circumstance column is either a value or empty ("any"). Rows are tiers of ``severity``: for
    given facts, of the rows whose filled-in columns all fit, the most severe one applies (an
    aggravating fact such as serious harm lifts the case into its tier, whatever else is true).
    """

    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("violation type"), on_delete=models.CASCADE, related_name="benchmarks"
    )
    label = models.CharField(_("circumstance"), max_length=100)
    offence = models.CharField(_("first or repeat"), max_length=8, choices=Offence.choices, blank=True)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, blank=True)
    harm = models.CharField(_("harm"), max_length=8, choices=Harm.choices, blank=True)
    corrected = models.CharField(_("corrected"), max_length=4, choices=Corrected.choices, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=FineUnit.choices, default=FineUnit.YUAN)
    fine_min = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    fine_max = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    proposed = models.DecimalField(
        _("proposed"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the middle of the range."),
    )
    basis_text = models.TextField(_("basis"), blank=True)
    severity = models.PositiveIntegerField(
        _("severity"),
        default=1,
        help_text=_(
            "The tier of the circumstance: of the rows that fit the facts, the most severe one applies."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("discretion benchmark")
        verbose_name_plural = _("discretion benchmarks")
        ordering = ["violation_type", "severity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fine_min__lte=models.F("fine_max")), name="enf_benchmark_min_le_max"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violation_type} · {self.label}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            raise ValidationError({"fine_max": _("The maximum is below the minimum.")})
        bounds = (self.proposed, self.fine_min, self.fine_max)
        if None not in bounds and not self.fine_min <= self.proposed <= self.fine_max:
            raise ValidationError({"proposed": _("The proposed amount lies outside the range.")})
