"""Cases of the digital city management closed loop (信息收集 → 案卷建立 → 任务派遣 → 任务处理 →
处理反馈 → 核查结案 → 综合评价).

A report becomes a ``Case`` at once, in state ``reported``; registration (立案) and every later step
change its state only through ``chengguan.cases.workflow``. Each step's deadline is stored as a
moment (``*_due``); whether a case is on time, due soon or overdue is computed from the clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.catalog.models import Urgency

__all__ = ["OPEN_STATES", "Case", "CaseEvent", "CaseState", "Source", "Urgency"]


class Source(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector report")
    CITIZEN = "citizen", _("Citizen report")
    HOTLINE = "hotline", _("Hotline call")
    CAMERA = "camera", _("Camera analytics")
    SUPERIOR = "superior", _("Assigned by a superior")


class CaseState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Not registered")
    MERGED = "merged", _("Merged into another case")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Being handled")
    RETURNED = "returned", _("Returned to the dispatcher")
    HANDLED = "handled", _("Handled, awaiting verification")
    SUSPENDED = "suspended", _("Suspended")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = frozenset(
    {
        CaseState.REPORTED,
        CaseState.REGISTERED,
        CaseState.DISPATCHED,
        CaseState.ACCEPTED,
        CaseState.RETURNED,
        CaseState.HANDLED,
        CaseState.SUSPENDED,
    }
)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.REPORTED, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    # what
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)

    # where (located with geo.locate at intake; codes are kept as text so history survives re-gridding)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid_code = models.CharField(_("unit grid"), max_length=15, db_index=True)
    community_code = models.CharField(_("community"), max_length=12, db_index=True)
    street_code = models.CharField(_("street"), max_length=9, db_index=True)
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    beat_code = models.CharField(_("beat"), max_length=32, blank=True)
    permitted_zone_code = models.CharField(
        _("permitted vending zone"),
        max_length=32,
        blank=True,
        help_text=_("A vending report inside a vending zone while it is open: permitted, not a violation."),
    )

    # who
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    reporter_email = models.CharField(_("reporter's e-mail"), max_length=254, blank=True)
    suggested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_cases",
    )
    assigned_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="beat_cases",
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifying inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verification_cases",
    )
    transferred_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("transferred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_reports",
    )

    # milestones
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True, db_index=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    # deadlines of the steps (moments; the status is computed from the clock)
    register_due = models.DateTimeField(_("registration due"), null=True, blank=True)
    dispatch_due = models.DateTimeField(_("dispatch due"), null=True, blank=True)
    handle_due = models.DateTimeField(_("handling due"), null=True, blank=True, db_index=True)
    verify_due = models.DateTimeField(_("verification due"), null=True, blank=True)
    # the deadline of the step the case is in now (null when no clock runs), for lists and the tick
    current_due = models.DateTimeField(_("current deadline"), null=True, blank=True, db_index=True)
    # when the clock of the current step started (the base of "due soon" and of calendar warnings)
    step_started_at = models.DateTimeField(_("current step started at"), null=True, blank=True)

    # suspension (挂账) stops the clock
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_from = models.CharField(_("suspended from state"), max_length=16, blank=True)

    # counters kept for evaluation and supervision
    rework_count = models.PositiveIntegerField(_("rework count"), default=0)
    extension_count = models.PositiveIntegerField(_("extensions"), default=0)
    urge_count = models.PositiveIntegerField(_("urged"), default=0)
    escalation_level = models.PositiveIntegerField(_("escalation level"), default=0)
    overdue_marked_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["state", "current_due"], name="case_state_due"),
            models.Index(fields=["assigned_unit", "state"], name="case_unit_state"),
            models.Index(fields=["category", "state", "reported_at"], name="case_category_state"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One row per transition or action on a case, written in the same transaction (append-only)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"), db_index=True)
    from_state = models.CharField(_("from state"), max_length=16, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    public = models.BooleanField(_("shown to the public"), default=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    working_hours = models.DecimalField(_("extra working hours"), max_digits=6, decimal_places=1)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: +{self.working_hours} h"


class SupervisionKind(models.TextChoices):
    URGE = "urge", _("Urged by a dispatcher")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalated")


class Supervision(models.Model):
    """督办: a case urged by hand, marked overdue or escalated up the unit hierarchy."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervisions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SupervisionKind.choices)
    step = models.CharField(
        _("step"), max_length=16, blank=True, help_text=_("The step whose deadline passed.")
    )
    level = models.PositiveIntegerField(_("escalation level"), default=0)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit addressed"), null=True, blank=True, on_delete=models.PROTECT
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-at"]
        constraints = [
            # the tick is idempotent: one overdue mark and one escalation per step and level per case
            models.UniqueConstraint(
                fields=["case", "kind", "step", "level"],
                condition=models.Q(kind__in=["overdue", "escalation"]),
                name="supervision_once_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.level}"


class SupervisionWarning(models.Model):
    """监督警示: a unit that keeps failing (too many overdue cases in a period) is warned."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    overdue_count = models.PositiveIntegerField(_("overdue cases"))
    at = models.DateTimeField(_("issued at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("supervision warning")
        verbose_name_plural = _("supervision warnings")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"], name="warning_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}"


class SupervisionPolicy(models.Model):
    """Thresholds of the supervision job (one row, edited by administrators)."""

    escalate_after_hours = models.JSONField(
        _("escalate after overdue working hours"),
        default=list,
        help_text=_("Working hours overdue at which a case goes one unit up, e.g. [4, 16]."),
    )
    warning_overdue_count = models.PositiveIntegerField(_("overdue cases that trigger a warning"), default=5)
    warning_period_days = models.PositiveIntegerField(_("warning period (days)"), default=30)
    duplicate_radius_m = models.FloatField(_("duplicate radius (m)"), default=50)
    duplicate_window_hours = models.FloatField(_("duplicate time window (hours)"), default=72)

    class Meta:
        verbose_name = _("supervision policy")
        verbose_name_plural = _("supervision policy")

    def __str__(self) -> str:
        return str(_("supervision policy"))


class CaseCounter(models.Model):
    """Per-day counter behind case numbers (no global counter outside the database)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class IdempotentSubmission(models.Model):
    """The outcome of a submission per (client, key), so a retried POST gets the same answer."""

    client = models.CharField(_("client"), max_length=100)
    key = models.CharField(_("idempotency key"), max_length=100)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotent submission")
        verbose_name_plural = _("idempotent submissions")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_once")]

    def __str__(self) -> str:
        return f"{self.client}:{self.key}"


class Notification(models.Model):
    """Outbox of notices to units and people, written in the transaction, sent after commit."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notifications"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=32)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    # delivery (``chengguan notify``): a sender claims a notice by moving next_attempt_at forward
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last delivery error"), blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    delivered_to = models.JSONField(_("delivered to"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.unit_id or self.user_id}"
