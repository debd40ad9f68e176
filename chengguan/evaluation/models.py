"""Indicator formulas and weights (data, edited by admins) and stored month-end assessments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chengguan.evaluation.counters import COUNTERS, FAMILY, SubjectKind

COUNTER_CHOICES = [(code, counter.label) for code, counter in COUNTERS.items()]


class IndicatorFormula(models.Model):
    """One indicator of one kind of subject: ``numerator / denominator``, its target and its weight.

    Score of an indicator (0–100): 100 when the value reaches the target (at or above it, or at or
    below it when lower is better); below that it loses ``points_per_pct`` for each percentage point
    it misses the target by, down to 0. The composite value (综合指标值, 0–100) is the weighted mean of
    the scores of the active indicators that have a value. With weights summing to 100, an indicator
    of weight 50 and ``points_per_pct`` 2 costs the composite 1 point per percentage point — the
    金华 rule for 按期结案率 (50 分, full at ≥ 70 %, −1 per point below).
    """

    subject_kind = models.CharField(_("subject kind"), max_length=16, choices=SubjectKind.choices)
    code = models.SlugField(_("code"), max_length=32)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    numerator = models.CharField(_("numerator"), max_length=32, choices=COUNTER_CHOICES)
    denominator = models.CharField(_("denominator"), max_length=32, choices=COUNTER_CHOICES)
    exclude_suspended = models.BooleanField(
        _("exclude suspended cases"),
        default=True,
        help_text=_("Subtract suspended cases (挂账) from the denominator where it counts due cases."),
    )
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    target = models.DecimalField(
        _("target"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("A share between 0 and 1: the value at which the indicator scores full marks."),
    )
    points_per_pct = models.DecimalField(
        _("points lost per percentage point"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Score (out of 100) lost for each percentage point the value misses the target by."),
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator formula")
        verbose_name_plural = _("indicator formulas")
        ordering = ["subject_kind", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["subject_kind", "code"], name="evaluation_formula_kind_code")
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}: {self.localized_name}"

    @property
    def localized_name(self) -> str:
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        if language.startswith("zh"):
            return self.name_zh
        return self.name_en or self.name_zh

    def clean(self) -> None:
        family = FAMILY.get(self.subject_kind)
        if family is None:
            return
        errors = {}
        for field in ("numerator", "denominator"):
            counter = COUNTERS.get(getattr(self, field))
            if counter is not None and family not in counter.families:
                errors[field] = _("This counter is not computed for %(kind)s.") % {
                    "kind": self.get_subject_kind_display()
                }
        if self.target is not None and self.target > 1:
            errors["target"] = _("The target is a share between 0 and 1 (0.9 for 90 %).")
        if errors:
            raise ValidationError(errors)


class Assessment(models.Model):
    """A subject's result for a period as the evaluation run saw it (snapshot, for fast reading)."""

    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    subject_kind = models.CharField(_("subject kind"), max_length=16, choices=SubjectKind.choices)
    subject_code = models.CharField(_("subject code"), max_length=32)
    subject_name = models.CharField(_("subject name"), max_length=100, blank=True)
    counters = models.JSONField(_("counters"), default=dict)
    indicators = models.JSONField(_("indicators"), default=list)
    score = models.DecimalField(_("composite score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-period_start", "subject_kind", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "subject_kind", "subject_code"],
                name="evaluation_assessment_once",
            )
        ]
        indexes = [
            models.Index(fields=["subject_kind", "period_start", "period_end"], name="assessment_period")
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end} {self.subject_kind} {self.subject_code}: {self.rank}"
