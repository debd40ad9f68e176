"""The citizen side: reports made on the portal, ratings, petitions and complaints, callbacks,
publications, photo clearance and vendors registered to vending zones.

Personal data (names, phones, e-mail addresses, ID numbers) is stored here for staff; every public
output goes through ``chengguan.portal.masking`` and never shows it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalPolicy(models.Model):
    """The bureau's rules for the citizen side (one row, edited by administrators)."""

    reopen_days = models.PositiveIntegerField(
        _("reopen within (days)"),
        default=7,
        help_text=_("A reporter who is not satisfied may reopen a closed case within this many days."),
    )
    rating_days = models.PositiveIntegerField(
        _("rate within (days)"), default=30, help_text=_("A closed case may be rated within this many days.")
    )
    satisfied_from = models.PositiveSmallIntegerField(
        _("satisfied from score"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Scores from this value up count as satisfied; lower scores may reopen the case."),
    )
    petition_acknowledge_days = models.PositiveIntegerField(
        _("petition: acknowledge within (working days)"), default=10
    )
    petition_answer_days = models.PositiveIntegerField(
        _("petition: answer within (working days)"), default=40
    )
    complaint_acknowledge_days = models.PositiveIntegerField(
        _("complaint: acknowledge within (working days)"), default=2
    )
    complaint_answer_days = models.PositiveIntegerField(
        _("complaint: answer within (working days)"), default=10
    )
    callback_window_days = models.PositiveIntegerField(
        _("call back cases closed in the last (days)"), default=30
    )
    vending_categories = models.JSONField(
        _("vending categories"),
        default=list,
        blank=True,
        help_text=_(
            'Categories ("kind:code") whose reports inside an open vending zone are permitted vending, '
            'e.g. ["event:0501", "event:0504"].'
        ),
    )

    class Meta:
        verbose_name = _("portal policy")
        verbose_name_plural = _("portal policy")

    def __str__(self) -> str:
        return str(_("portal policy"))


class CitizenReport(models.Model):
    """A case reported on the portal, with the secret that lets its reporter rate or reopen it."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="citizen_report"
    )
    access_code_hash = models.CharField(_("access code (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")

    def __str__(self) -> str:
        return str(self.case)


class Rating(models.Model):
    """满意度评价: the reporter's score (1–5) of one closure of a case."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="ratings"
    )
    closed_at = models.DateTimeField(_("closure rated"))
    score = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened = models.BooleanField(_("reopened"), default=False)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "closed_at"], name="rating_once_per_closure"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"


class PetitionKind(models.TextChoices):
    PETITION = "petition", _("Petition")
    COMPLAINT = "complaint", _("Complaint about an officer")


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Accepted, being handled")
    ANSWERED = "answered", _("Answered")


class Petition(models.Model):
    """信访 or 投诉: a letter to the bureau, or a complaint about an officer, with its own time limits."""

    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=PetitionState.choices,
        default=PetitionState.RECEIVED,
        db_index=True,
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("content"))

    # where (optional) and about whom (complaints)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid_code = models.CharField(_("unit grid"), max_length=15, blank=True)
    officer_badge = models.CharField(_("officer's badge number (as given)"), max_length=32, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer complained about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    occurred_at = models.DateTimeField(_("happened at"), null=True, blank=True)

    # routing
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="petitions"
    )

    # who (never public)
    petitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petitioner (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
    )
    petitioner_name = models.CharField(_("petitioner's name"), max_length=64)
    petitioner_phone = models.CharField(_("petitioner's phone"), max_length=32, blank=True)
    petitioner_email = models.CharField(_("petitioner's e-mail"), max_length=254, blank=True)
    access_code_hash = models.CharField(_("access code (hashed)"), max_length=64)

    # milestones and deadlines
    received_at = models.DateTimeField(_("received at"), db_index=True)
    acknowledge_due = models.DateTimeField(_("acknowledgement due"))
    answer_due = models.DateTimeField(_("answer due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement = models.TextField(_("acknowledgement note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("petition or complaint")
        verbose_name_plural = _("petitions and complaints")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["unit", "state"], name="petition_unit_state")]

    def __str__(self) -> str:
        return self.number


class PetitionCounter(models.Model):
    """Per-day counter behind petition numbers."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("petition number counter")
        verbose_name_plural = _("petition number counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Callback(models.Model):
    """回访: an operator called the reporter of a closed case back."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="callbacks"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("called at"), db_index=True)
    reached = models.BooleanField(_("reached"))
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("satisfaction callback")
        verbose_name_plural = _("satisfaction callbacks")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5, reached=True),
                name="callback_satisfaction_when_reached",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


class PublicationKind(models.TextChoices):
    CLOSED_CASE = "closed_case", _("Closed case")
    PENALTY_DECISION = "penalty_decision", _("Penalty decision")
    NOTICE = "notice", _("Notice")


class Publication(models.Model):
    """公示: something the bureau publishes (always masked), withdrawn with a reason when it changes."""

    kind = models.CharField(_("kind"), max_length=20, choices=PublicationKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (masked)"))
    source_type = models.CharField(_("source type"), max_length=64, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="publication_source")]

    def __str__(self) -> str:
        return self.title


class PhotoClearance(models.Model):
    """A staff member checked a photo of a case (no faces, no personal data) and cleared it for the public."""

    evidence = models.OneToOneField(
        "evidence.Evidence", verbose_name=_("photo"), on_delete=models.CASCADE, related_name="clearance"
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cleared by"), on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(_("cleared at"))

    class Meta:
        verbose_name = _("photo cleared for the public")
        verbose_name_plural = _("photos cleared for the public")

    def __str__(self) -> str:
        return str(self.evidence_id)


class VendorRegistration(models.Model):
    """A vendor registered to a vending zone (疏导点 / 早夜市), with a stall and the goods allowed."""

    zone = models.ForeignKey(
        "geo.VendingZone", verbose_name=_("vending zone"), on_delete=models.PROTECT, related_name="vendors"
    )
    vendor_name = models.CharField(_("vendor's name"), max_length=64)
    vendor_phone = models.CharField(_("vendor's phone"), max_length=32, blank=True)
    vendor_id_number = models.CharField(_("vendor's ID number"), max_length=32, blank=True)
    stall = models.CharField(_("stall"), max_length=32, blank=True)
    goods = models.CharField(_("goods sold"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("registered vendor")
        verbose_name_plural = _("registered vendors")
        ordering = ["zone", "stall"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "stall"],
                condition=models.Q(is_active=True) & ~models.Q(stall=""),
                name="vendor_one_active_per_stall",
            )
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.stall}"
