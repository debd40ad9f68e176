"""Seizures (查封、扣押, Administrative Compulsion Law arts. 22–28) and obstruction incidents (暴力抗法).

* ``SeizurePolicy``: the bureau's settings (one row, pk 1): the term, the longest extension and how
  many days before the end of a term the supervision job warns.
* ``Seizure``: a seizure decision tied to a violation and its party, with the storage place, the
  officers present, the term (natural days, art. 25), at most one extension approved by the head of
  the bureau, and how it ended (released and returned, or disposed of under a penalty decision).
* ``SeizureItem``: one line of the itemised list (扣押清单); photos are evidence owned by the item.
* ``ListCopy``: the list is made in two copies (art. 24), one for the party and one for the file;
  each records who signed it (or that the party refused, with a witness).
* ``EvaluationPeriod``: testing, inspection, quarantine or technical appraisal (检测、检验、检疫、技术
  鉴定); its days are not counted in the term (art. 25), so the end of the term moves.
* ``SeizureEvent``: the append-only timeline; ``SeizureWarning``: the supervision job's marks.
* ``ObstructionIncident`` and ``PoliceReferral``: violent resistance and its transfer to the police.

State changes go through ``chengguan.seizures.workflow``; nothing else saves a seizure's state.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class SeizurePolicy(models.Model):
    """The bureau's seizure settings (one row, pk 1). Without a row the defaults below apply."""

    term_days = models.PositiveSmallIntegerField(
        _("term of a seizure (natural days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Administrative Compulsion Law art. 25: at most 30 days."),
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (natural days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Art. 25: one extension of at most 30 days, approved by the head of the bureau."),
    )
    warn_days_before = models.PositiveSmallIntegerField(
        _("warn this many days before the term ends"), default=5
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("seizure policy")
        verbose_name_plural = _("seizure policy")

    def __str__(self) -> str:
        return str(_("Seizure policy"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class SeizureKind(models.TextChoices):
    SEAL = "seal", _("Sealing up (查封)")
    SEIZE = "seize", _("Seizure (扣押)")


class SeizureState(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    RELEASED = "released", _("Released, items to be returned")
    RETURNED = "returned", _("Items returned")
    DISPOSED = "disposed", _("Disposed of under a penalty decision")


class ReleaseKind(models.TextChoices):
    """Art. 28: when a seizure must be released."""

    NO_VIOLATION = "no_violation", _("No violation")
    UNRELATED = "unrelated", _("The items are unrelated to the violation")
    HANDLED = "handled", _("The matter has been dealt with; seizure no longer needed")
    PENALTY_PAID = "penalty_paid", _("Penalty paid (return after penalty)")
    EXPIRED = "expired", _("The term lapsed without a decision")
    OTHER = "other", _("Other reason")


class DisposalMethod(models.TextChoices):
    CONFISCATED = "confiscated", _("Confiscated")
    DESTROYED = "destroyed", _("Destroyed")
    AUCTIONED = "auctioned", _("Auctioned")


class Seizure(models.Model):
    number = models.CharField(_("decision number"), max_length=32, unique=True)
    kind = models.CharField(
        _("measure"), max_length=8, choices=SeizureKind.choices, default=SeizureKind.SEIZE
    )
    state = models.CharField(
        _("state"), max_length=12, choices=SeizureState.choices, default=SeizureState.IN_FORCE, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    violation = models.ForeignKey(
        "enforcement.Violation",
        verbose_name=_("violation"),
        on_delete=models.PROTECT,
        related_name="seizures",
    )
    party = models.ForeignKey(
        "enforcement.Party", verbose_name=_("party"), on_delete=models.PROTECT, related_name="seizures"
    )
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    reason = models.TextField(_("reason"))
    legal_basis = models.TextField(_("legal basis"))
    storage_place = models.CharField(_("storage place"), max_length=200)
    return_after_penalty = models.BooleanField(
        _("return after penalty"),
        default=True,
        help_text=_("先罚后返: the items are returned once the penalty is paid."),
    )
    officers = models.ManyToManyField(USER, verbose_name=_("officers present"), related_name="seizures")
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    start_date = models.DateField(_("term starts after"))
    term_days = models.PositiveSmallIntegerField(_("term (natural days)"))
    extension_days = models.PositiveSmallIntegerField(_("extension (natural days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        USER,
        verbose_name=_("extension approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_kind = models.CharField(_("release"), max_length=16, choices=ReleaseKind.choices, blank=True)
    release_reason = models.TextField(_("reason for the release"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.CharField(_("returned to"), max_length=100, blank=True)
    return_receipt = models.CharField(_("return receipt"), max_length=64, blank=True)
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    disposal_method = models.CharField(
        _("disposal"), max_length=16, choices=DisposalMethod.choices, blank=True
    )
    disposal_decision = models.CharField(_("penalty decision number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state == SeizureState.IN_FORCE


class SeizureItem(models.Model):
    seizure = models.ForeignKey(
        Seizure, verbose_name=_("seizure"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("item"), max_length=100)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(_("unit of measure"), max_length=16)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        ordering = ["seizure", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity}{self.unit}"


class CopyHolder(models.TextChoices):
    PARTY = "party", _("Copy for the party")
    FILE = "file", _("Copy for the file")


class ListCopy(models.Model):
    """One of the two copies of the seizure list and who signed it (art. 24)."""

    seizure = models.ForeignKey(
        Seizure, verbose_name=_("seizure"), on_delete=models.CASCADE, related_name="copies"
    )
    holder = models.CharField(_("copy"), max_length=8, choices=CopyHolder.choices)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    refused = models.BooleanField(_("the party refused to sign"), default=False)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("copy of the seizure list")
        verbose_name_plural = _("copies of the seizure list")
        constraints = [
            models.UniqueConstraint(fields=["seizure", "holder"], name="seizure_one_copy_per_holder")
        ]

    def __str__(self) -> str:
        return f"{self.seizure} · {self.get_holder_display()}"


class EvaluationKind(models.TextChoices):
    TESTING = "testing", _("Testing (检测)")
    INSPECTION = "inspection", _("Inspection (检验)")
    QUARANTINE = "quarantine", _("Quarantine (检疫)")
    APPRAISAL = "appraisal", _("Technical appraisal (技术鉴定)")


class EvaluationPeriod(models.Model):
    """Art. 25: the days of testing, inspection, quarantine or appraisal are not part of the term."""

    seizure = models.ForeignKey(
        Seizure, verbose_name=_("seizure"), on_delete=models.CASCADE, related_name="evaluations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvaluationKind.choices)
    institution = models.CharField(_("institution"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation period")
        verbose_name_plural = _("evaluation periods")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or '…'}"


class SeizureEvent(models.Model):
    seizure = models.ForeignKey(
        Seizure, verbose_name=_("seizure"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        USER, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from state"), max_length=12, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("seizure event")
        verbose_name_plural = _("seizure events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.seizure_id} {self.action}"


class WarningKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Term ends soon")
    EXPIRED = "expired", _("Term lapsed")


class SeizureWarning(models.Model):
    """A mark of the supervision job: one per seizure, kind and term end (so an extension warns again)."""

    seizure = models.ForeignKey(
        Seizure, verbose_name=_("seizure"), on_delete=models.CASCADE, related_name="warnings"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=WarningKind.choices)
    term_end = models.DateField(_("term ends on"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("seizure warning")
        verbose_name_plural = _("seizure warnings")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seizure", "kind", "term_end"], name="seizure_one_warning_per_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seizure} · {self.get_kind_display()} · {self.term_end}"


# --- obstruction incidents (暴力抗法) ---------------------------------------------------------------


class ObstructionIncident(models.Model):
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("place"), max_length=200)
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    description = models.TextField(_("what happened"))
    injuries = models.TextField(_("injuries"), blank=True)
    officers = models.ManyToManyField(USER, verbose_name=_("officers involved"), related_name="obstructions")
    violation = models.ForeignKey(
        "enforcement.Violation",
        verbose_name=_("violation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstructions",
    )
    party = models.ForeignKey(
        "enforcement.Party",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstructions",
    )
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("obstruction incident")
        verbose_name_plural = _("obstruction incidents")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.address} · {self.occurred_at:%Y-%m-%d}"


class PoliceReferral(models.Model):
    """The transfer of an obstruction incident to the police (移送公安机关)."""

    incident = models.OneToOneField(
        ObstructionIncident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="referral"
    )
    police_station = models.CharField(_("receiving police station"), max_length=100)
    referred_at = models.DateTimeField(_("referred at"))
    reference_number = models.CharField(_("police reference number"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    referred_by = models.ForeignKey(
        USER, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral to the police")
        verbose_name_plural = _("referrals to the police")

    def __str__(self) -> str:
        return f"{self.police_station} · {self.reference_number}"
