"""The administrative penalty procedure (行政处罚程序) on top of the ledger of ``enforcement``.

* ``Proceeding``: one penalty procedure against one party for one violation, ordinary or summary,
  with its state (``workflow.TRANSITIONS``), version and a timestamp per milestone.
* Records written once, never edited: ``InvestigationRecord`` (interview, site inspection, other
  evidence), ``PenaltyNotice`` (notice of intended penalty), ``PartyStatement`` (statement, hearing
  request, waiver), ``Hearing``, ``LegalReview``, ``CollectiveDiscussion``, ``Decision`` (a
  correction supersedes it), ``Service`` (of any document, with its proof), ``Payment``,
  ``DemandNotice``, ``CourtApplication``, ``DeadlineExtension``, ``FineCorrection``.
* ``ProceedingEvent``: the append-only timeline, one row per transition; ``OverdueMark``: a legal step
  the supervision tick found overdue (once per step and due date).
* Policy edited in the admin: ``PenaltyPolicy`` (thresholds), ``LegalTimeLimit`` (overrides of the
  legal time limits of ``limits.py``), ``EnforcementCredential`` (执法证 of each officer).

State changes go through ``chengguan.penalty.workflow``; nothing else saves a proceeding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengguan.penalty.limits import Limit, LimitUnit
from chengguan.penalty.rules import PenaltyKind, Thresholds

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class WriteOnce(models.Model):
    """A record of the procedure: written once, never changed (corrections add rows)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{self._meta.label} rows are never changed once written")
        super().save(*args, **kwargs)


# --- policy, edited in the admin ---------------------------------------------------------------------


class PenaltyPolicy(models.Model):
    """The bureau's thresholds (one row, pk 1). Without a row the national defaults apply."""

    summary_person_max = models.DecimalField(
        _("summary procedure: largest fine for a citizen"), default=Decimal("200"), **MONEY
    )
    summary_organisation_max = models.DecimalField(
        _("summary procedure: largest fine for an organisation"), default=Decimal("3000"), **MONEY
    )
    on_the_spot_collection_max = models.DecimalField(
        _("largest fine collected on the spot"), default=Decimal("100"), **MONEY
    )
    hearing_person_fine = models.DecimalField(
        _("hearing right from this fine (citizen)"),
        default=Decimal("5000"),
        help_text=_("较大数额罚款: set by the province or the bureau (e.g. Beijing: above 3,000 yuan)."),
        **MONEY,
    )
    hearing_organisation_fine = models.DecimalField(
        _("hearing right from this fine (organisation)"), default=Decimal("100000"), **MONEY
    )
    hearing_person_confiscation = models.DecimalField(
        _("hearing right from this confiscated value (citizen)"), default=Decimal("5000"), **MONEY
    )
    hearing_organisation_confiscation = models.DecimalField(
        _("hearing right from this confiscated value (organisation)"), default=Decimal("100000"), **MONEY
    )
    review_fine = models.DecimalField(
        _("legal review required from this fine"), default=Decimal("10000"), **MONEY
    )
    surcharge_rate = models.DecimalField(
        _("late surcharge per day"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.03"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.03"))],
        help_text=_("Administrative Penalty Law art. 72: at most 3 per cent of the fine a day."),
    )
    require_recording = models.BooleanField(
        _("audio or video record required before a decision"),
        default=True,
        help_text=_("全过程记录 (art. 47)."),
    )
    due_soon_days = models.PositiveSmallIntegerField(_("due soon: days before the last day"), default=2)
    decision_series = models.CharField(
        _("decision number prefix"), max_length=40, default="城管罚决字", blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("penalty policy")
        verbose_name_plural = _("penalty policy")

    def __str__(self) -> str:
        return str(_("Penalty policy"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def thresholds(self) -> Thresholds:
        return Thresholds(
            summary_person_max=self.summary_person_max,
            summary_organisation_max=self.summary_organisation_max,
            on_the_spot_collection_max=self.on_the_spot_collection_max,
            hearing_person_fine=self.hearing_person_fine,
            hearing_organisation_fine=self.hearing_organisation_fine,
            hearing_person_confiscation=self.hearing_person_confiscation,
            hearing_organisation_confiscation=self.hearing_organisation_confiscation,
            review_fine=self.review_fine,
            surcharge_rate=self.surcharge_rate,
        )


class LegalTimeLimit(models.Model):
    """The bureau's value of one legal time limit (overrides the default of ``limits.DEFAULT_LIMITS``)."""

    code = models.CharField(_("time limit"), max_length=32, choices=Limit.choices, unique=True)
    amount = models.PositiveIntegerField(_("amount"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.DAYS)
    working_days = models.BooleanField(
        _("working days"),
        default=False,
        help_text=_("Count working days (art. 85; Compulsion Law art. 69), not natural days."),
    )
    note = models.TextField(_("legal basis"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal time limit")
        verbose_name_plural = _("legal time limits")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class EnforcementCredential(models.Model):
    """执法证: an officer may act in enforcement only while holding a valid credential (art. 42)."""

    user = models.ForeignKey(
        USER, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="enforcement_credentials"
    )
    number = models.CharField(_("credential number"), max_length=32, unique=True)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement credential")
        verbose_name_plural = _("enforcement credentials")
        ordering = ["user", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__lte=models.F("valid_until")), name="pen_credential_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.number}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


# --- the proceeding ----------------------------------------------------------------------------------


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary procedure")
    SUMMARY = "summary", _("Summary procedure (on the spot)")


class State(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    NOTICE_ISSUED = "notice_issued", _("Notice of intended penalty issued")
    STATEMENT = "statement", _("Statement and defence period")
    HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("Collective discussion")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    DECIDED = "decided", _("Decided, to be served")
    AWAITING_PAYMENT = "awaiting_payment", _("Served, awaiting payment")
    DEMAND_ISSUED = "demand_issued", _("Demand notice issued")
    DEMAND_SERVED = "demand_served", _("Demand notice served")
    COURT_APPLIED = "court_applied", _("Court enforcement applied for")
    PAID = "paid", _("Paid (closed)")
    CLOSED = "closed", _("Closed")


DECIDED_STATES = frozenset(
    {
        State.DECIDED,
        State.AWAITING_PAYMENT,
        State.DEMAND_ISSUED,
        State.DEMAND_SERVED,
        State.COURT_APPLIED,
        State.PAID,
        State.CLOSED,
    }
)
FINISHED_STATES = frozenset({State.PAID, State.CLOSED})
UNPAID_STATES = frozenset(
    {State.AWAITING_PAYMENT, State.DEMAND_ISSUED, State.DEMAND_SERVED, State.COURT_APPLIED}
)


class Proceeding(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    violation = models.ForeignKey(
        "enforcement.Violation",
        verbose_name=_("violation"),
        on_delete=models.PROTECT,
        related_name="proceedings",
    )
    party = models.ForeignKey(
        "enforcement.Party", verbose_name=_("party"), on_delete=models.PROTECT, related_name="proceedings"
    )
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    officers = models.ManyToManyField(USER, verbose_name=_("officers in charge"), related_name="proceedings")

    occurred_on = models.DateField(_("violation occurred on"))
    continuing_until = models.DateField(
        _("continuing violation ended on"),
        null=True,
        blank=True,
        help_text=_("For a continuing violation the limitation period runs from its end (art. 36)."),
    )
    long_limitation = models.BooleanField(
        _("five-year limitation"),
        default=False,
        help_text=_("Life, health or financial safety with harmful consequences (art. 36)."),
    )
    is_major = models.BooleanField(_("major case (legal review required)"), default=False)
    is_complex = models.BooleanField(_("complex case (collective discussion required)"), default=False)

    opened_at = models.DateTimeField(_("opened at"))
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        USER, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)
    statement_closed_at = models.DateTimeField(_("statement period closed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    served_on = models.DateField(_("decision served on"), null=True, blank=True)
    payment_due = models.DateField(_("last day to pay"), null=True, blank=True)
    demand_served_on = models.DateField(_("demand notice served on"), null=True, blank=True)
    court_applied_on = models.DateField(_("court application on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    filed_on = models.DateField(_("summary decision filed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("approved extension (days)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    def current_decision(self) -> Decision | None:
        return self.decisions.filter(superseded_by__isnull=True).order_by("-decided_at", "-pk").first()

    def current_notice(self) -> PenaltyNotice | None:
        return self.notices.order_by("-issued_at", "-pk").first()


class ProceedingEvent(models.Model):
    """Append-only timeline: one row per transition (old and new values in ``payload``)."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        USER, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from state"), max_length=24, blank=True)
    to_state = models.CharField(_("to state"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("proceeding event")
        verbose_name_plural = _("proceeding events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.action}"


class RecordKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview record")
    SITE_INSPECTION = "site_inspection", _("Site inspection record")
    OTHER = "other", _("Other evidence")


class InvestigationRecord(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    interviewee = models.CharField(_("person interviewed"), max_length=100, blank=True)
    content = models.TextField(_("content"))
    officers = models.ManyToManyField(USER, verbose_name=_("officers present"), related_name="+")
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("investigation record")
        verbose_name_plural = _("investigation records")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class PenaltyNotice(WriteOnce):
    """行政处罚事先告知书 (art. 44): facts, reasons, legal basis, the intended penalty and the rights."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="notices"
    )
    facts = models.TextField(_("facts"))
    reasons = models.TextField(_("reasons"))
    legal_basis = models.TextField(_("legal basis"))
    provisions = models.ManyToManyField(
        "enforcement.LegalProvision", verbose_name=_("legal provisions"), blank=True, related_name="+"
    )
    penalty_kind = models.CharField(_("penalty"), max_length=16, choices=PenaltyKind.choices)
    fine = models.DecimalField(_("fine"), default=Decimal(0), **MONEY)
    confiscation = models.DecimalField(_("value confiscated"), default=Decimal(0), **MONEY)
    benchmark_fine = models.DecimalField(
        _("fine of the discretion benchmark"), null=True, blank=True, **MONEY
    )
    departure_reason = models.TextField(_("reason for departing from the benchmark"), blank=True)
    hearing_right = models.BooleanField(_("hearing right"))
    rights_text = models.TextField(_("the party's rights"))
    issued_by = models.ForeignKey(
        USER, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("notice of intended penalty")
        verbose_name_plural = _("notices of intended penalty")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.issued_at:%Y-%m-%d}"


class StatementKind(models.TextChoices):
    STATEMENT = "statement", _("Statement and defence")
    HEARING_REQUEST = "hearing_request", _("Hearing request")
    WAIVER = "waiver", _("Waiver of statement and hearing")


class PartyStatement(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="statements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=StatementKind.choices)
    content = models.TextField(_("content"), blank=True)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("party statement")
        verbose_name_plural = _("party statements")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on}"


class Hearing(models.Model):
    """听证 (art. 64): notice at least 7 working days ahead, held by someone who did not investigate."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="hearings"
    )
    requested_on = models.DateField(_("requested on"))
    scheduled_for = models.DateTimeField(_("hearing at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(
        USER, verbose_name=_("presiding"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(_("public"), default=True)
    notice_served_on = models.DateField(_("hearing notice served on"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    party_absent = models.BooleanField(_("party absent (hearing waived)"), default=False)
    record = models.TextField(_("hearing record"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.scheduled_for or self.requested_on}"


class ReviewResult(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for further investigation")


class LegalReview(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=ReviewResult.choices)
    opinion = models.TextField(_("opinion"))
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.get_result_display()}"


class CollectiveDiscussion(WriteOnce):
    """集体讨论 (art. 57): the heads of the bureau decide a complex or major case together."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="discussions"
    )
    held_at = models.DateTimeField(_("held at"))
    participants = models.TextField(_("participants"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("collective discussion")
        verbose_name_plural = _("collective discussions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.held_at:%Y-%m-%d}"


class Outcome(models.TextChoices):
    """行政处罚法 art. 57: what the head of the bureau decides after the investigation."""

    PENALTY = "penalty", _("Penalty")
    NO_PENALTY = "no_penalty", _("No penalty (minor violation)")
    NOT_ESTABLISHED = "not_established", _("No penalty (the violation is not established)")
    TRANSFERRED = "transferred", _("Transferred to the judicial authorities")


class Decision(WriteOnce):
    """行政处罚决定书. Never edited: a correction is a new row that supersedes this one."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.CharField(_("decision number"), max_length=64, unique=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    penalty_kind = models.CharField(_("penalty"), max_length=16, choices=PenaltyKind.choices, blank=True)
    fine = models.DecimalField(_("fine"), default=Decimal(0), **MONEY)
    confiscation = models.DecimalField(_("value confiscated"), default=Decimal(0), **MONEY)
    facts = models.TextField(_("facts"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    benchmark_fine = models.DecimalField(
        _("fine of the discretion benchmark"), null=True, blank=True, **MONEY
    )
    departure_reason = models.TextField(_("reason for departing from the benchmark"), blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("correction approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return self.number


class FineCorrection(models.Model):
    """A correction of a decided fine: proposed by one person, approved by a second."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="corrections"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision corrected"), on_delete=models.PROTECT, related_name="corrections"
    )
    new_fine = models.DecimalField(_("corrected fine"), **MONEY)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("approved or refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fine correction")
        verbose_name_plural = _("fine corrections")
        ordering = ["proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} → {self.new_fine}"


class Document(models.TextChoices):
    NOTICE = "notice", _("Notice of intended penalty")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    DECISION = "decision", _("Penalty decision")
    DEMAND = "demand", _("Demand notice")


class ServiceMethod(models.TextChoices):
    """送达 (art. 61; Civil Procedure Law)."""

    IN_PERSON = "in_person", _("Handed over in person")
    LEFT_AT_DOMICILE = "left_at_domicile", _("Left at the domicile (refused)")
    ENTRUSTED = "entrusted", _("Entrusted service")
    POST = "post", _("Post")
    ELECTRONIC = "electronic", _("Fax or e-mail (with the party's signed consent)")
    ANNOUNCEMENT = "announcement", _("Public announcement")


class Service(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="services"
    )
    document = models.CharField(_("document"), max_length=16, choices=Document.choices)
    method = models.CharField(_("method"), max_length=20, choices=ServiceMethod.choices)
    served_on = models.DateField(_("served on"))
    recipient = models.CharField(_("received by"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    consent_confirmed = models.BooleanField(
        _("party consented in writing to electronic service"), default=False
    )
    tracking_number = models.CharField(_("postal tracking number"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["served_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_document_display()} · {self.get_method_display()} · {self.served_on}"


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Designated bank")
    ELECTRONIC = "electronic", _("Electronic payment system")
    ON_THE_SPOT = "on_the_spot", _("Collected on the spot")


class Payment(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=64)
    surcharge_due = models.DecimalField(_("late surcharge owed on that day"), default=Decimal(0), **MONEY)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} · {self.paid_on}"


class DemandNotice(WriteOnce):
    """催告书 (Compulsion Law art. 35): deadline, amount and how to pay, the right to be heard."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="demands"
    )
    fine_due = models.DecimalField(_("fine outstanding"), **MONEY)
    surcharge_due = models.DecimalField(_("late surcharge on the day of issue"), **MONEY)
    performance_days = models.PositiveIntegerField(_("performance period (working days after service)"))
    how_to_pay = models.TextField(_("how to pay"))
    rights_text = models.TextField(_("the party's rights"))
    issued_by = models.ForeignKey(
        USER, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("demand notice")
        verbose_name_plural = _("demand notices")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.issued_at:%Y-%m-%d}"


class CourtApplication(WriteOnce):
    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="court_applications"
    )
    court = models.CharField(_("court"), max_length=100)
    applied_on = models.DateField(_("applied on"))
    fine_due = models.DecimalField(_("fine outstanding"), **MONEY)
    surcharge_due = models.DecimalField(_("late surcharge"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    applied_by = models.ForeignKey(
        USER, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("court enforcement application")
        verbose_name_plural = _("court enforcement applications")
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.court}"


class DeadlineExtension(WriteOnce):
    """An approved extension of the decision limit (art. 60: as laws, regulations and rules allow)."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.PROTECT, related_name="extensions"
    )
    days = models.PositiveIntegerField(_("days"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))
    collective = models.BooleanField(_("decided by collective discussion"), default=False)
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["approved_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding} +{self.days}"


class OverdueMark(models.Model):
    """A legal step the supervision tick found overdue (once per proceeding, step and due date)."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE, related_name="overdue_marks"
    )
    step = models.CharField(_("step"), max_length=32)
    due = models.DateField(_("last day"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdue legal step")
        verbose_name_plural = _("overdue legal steps")
        ordering = ["-marked_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["proceeding", "step", "due"], name="pen_overdue_once")]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.step} · {self.due}"


class NumberSeries(models.Model):
    """The bureau's yearly series of numbers (proceedings, decisions), incremented by compare-and-set."""

    kind = models.CharField(_("series"), max_length=16)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="pen_series_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
