"""The bureau's working-day calendar: its own holiday table, its working hours, the years it covers.

Every time limit in chengguan is computed from these tables by ``chengguan.workdays.calendar``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The default working day (8:30–12:00, 13:30–17:30), used until an administrator changes it.
DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 30), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(17, 30)),
)
DEFAULT_DUE_SOON_FRACTION = Decimal("0.20")


class DayOverride(models.Model):
    """One day of the bureau's holiday table (法定节假日 or 调休 adjusted working day).

    A row wins over the chinese-calendar library and over the Monday–Friday fallback.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: an adjusted working day (调休上班). Not ticked: a holiday or rest day."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. 国庆节"))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("holiday table day")
        verbose_name_plural = _("holiday table")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("holiday")
        label = f"{self.date.isoformat()} {kind}"
        return f"{label} ({self.name})" if self.name else label


class CoveredYear(models.Model):
    """A year the bureau declares complete in its own holiday table (e.g. from the State Council notice)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知"),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("covered year")
        verbose_name_plural = _("covered years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class WorkSchedule(models.Model):
    """The working periods of a working day and the "due soon" threshold; a single row (pk=1)."""

    period1_start = models.TimeField(_("first period starts"), default=DEFAULT_PERIODS[0][0])
    period1_end = models.TimeField(_("first period ends"), default=DEFAULT_PERIODS[0][1])
    period2_start = models.TimeField(
        _("second period starts"),
        null=True,
        blank=True,
        default=DEFAULT_PERIODS[1][0],
        help_text=_("Leave both times of the second period empty for a single working period."),
    )
    period2_end = models.TimeField(
        _("second period ends"), null=True, blank=True, default=DEFAULT_PERIODS[1][1]
    )
    due_soon_fraction = models.DecimalField(
        _("due soon: share of the limit"),
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_DUE_SOON_FRACTION,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.99"))],
        help_text=_(
            "A case is due soon when this share of its working time is left (0.20: the last fifth of the limit)."
        ),
    )
    due_soon_hours = models.DecimalField(
        _("due soon: working hours left"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("If set, a case is due soon when this many working hours are left (replaces the share)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in self.periods())

    def periods(self) -> tuple[tuple[dt.time, dt.time], ...]:
        first = ((self.period1_start, self.period1_end),)
        if self.period2_start is None or self.period2_end is None:
            return first
        return (*first, (self.period2_start, self.period2_end))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period1_start and self.period1_end and self.period1_start >= self.period1_end:
            errors["period1_end"] = _("A working period must end after it starts.")
        if (self.period2_start is None) != (self.period2_end is None):
            field = "period2_end" if self.period2_end is None else "period2_start"
            errors[field] = _("Give both times of the second period, or neither.")
        elif self.period2_start is not None and self.period2_end is not None:
            if self.period2_start >= self.period2_end:
                errors["period2_end"] = _("A working period must end after it starts.")
            elif self.period1_end and self.period2_start < self.period1_end:
                errors["period2_start"] = _(
                    "The second period must start after the first one ends (periods may not overlap)."
                )
        if errors:
            raise ValidationError(errors)
