"""Enforcement documents (执法文书): templates edited in the admin, numbered series, issued documents.

* ``DocumentKind``: the documents the bureau issues (rectification order, notice of intended penalty …).
* ``Bureau``: the issuing bureau's name and details (one row, pk 1); without a row the setting
  ``CHENGGUAN_BUREAU_NAME`` names it.
* ``DocumentSeries``: a numbering series of the bureau (its prefix, e.g. 甬综执罚决字); numbers run
  per year: 甬综执罚决字〔2026〕第1号.
* ``SeriesCounter``: the last number given in one series and year, moved by compare-and-set.
* ``DocumentTemplate``: one per kind, Django template text for each body section and for the four
  parts of the reasoning (说法理、说事理、说文理、说情理); its ``version`` goes up with every edit.
* ``IssuedDocument``: a document as issued — its number, target, the context it was made from, the
  rendered sections and HTML. Never edited: a correction is a new document that supersedes it.

Documents are issued only through ``chengguan.documents.services.issue``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_BUREAU_NAME = "宁波市综合行政执法局"


class DocumentKind(models.TextChoices):
    RECTIFICATION_ORDER = "rectification_order", _("Rectification order")
    PENALTY_NOTICE = "penalty_notice", _("Notice of intended penalty")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    PENALTY_DECISION = "penalty_decision", _("Penalty decision")
    SEIZURE_DECISION = "seizure_decision", _("Seizure decision and list")
    SERVICE_PROOF = "service_proof", _("Proof of service")
    DEMAND_NOTICE = "demand_notice", _("Demand notice")
    COURT_APPLICATION = "court_application", _("Court enforcement application")
    PARTY_HISTORY = "party_history", _("Party history bundle")


class Bureau(models.Model):
    """The bureau that issues the documents (one row, pk 1)."""

    name = models.CharField(_("name"), max_length=100, default=DEFAULT_BUREAU_NAME)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    court = models.CharField(
        _("court for enforcement applications"),
        max_length=100,
        blank=True,
        help_text=_(
            "The people's court the bureau applies to for enforcement, when the document names none."
        ),
    )
    review_body = models.CharField(
        _("administrative reconsideration body"),
        max_length=100,
        blank=True,
        help_text=_("Where a party may apply for administrative reconsideration."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("bureau")
        verbose_name_plural = _("bureau")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class DocumentSeries(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    prefix = models.CharField(
        _("number prefix"),
        max_length=40,
        help_text=_("E.g. 甬综执罚决字: numbers read 甬综执罚决字〔2026〕第1号."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("document series")
        verbose_name_plural = _("document series")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.prefix

    def format_number(self, year: int, seq: int) -> str:
        return f"{self.prefix}〔{year}〕第{seq}号"


class SeriesCounter(models.Model):
    """The last number given in a series in a year. Moved only by ``numbering.next_number``."""

    series = models.ForeignKey(
        DocumentSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="counters"
    )
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("series counter")
        verbose_name_plural = _("series counters")
        ordering = ["series", "-year"]
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="doc_counter_once")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


SECTION_FIELDS = ("opening", "body", "rights", "closing")
REASONING_PARTS = ("facts", "law", "reason", "feeling")


class DocumentTemplate(models.Model):
    """The text of one kind of document. Each section is Django template text rendered with the
    document's context (plain text: one paragraph per line)."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices, unique=True)
    title = models.CharField(_("title"), max_length=64)
    series = models.ForeignKey(
        DocumentSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="templates"
    )
    opening = models.TextField(_("opening (the party)"), blank=True)
    facts_heading = models.CharField(_("heading of the facts"), max_length=64, blank=True)
    facts = models.TextField(_("facts (说事理)"), blank=True)
    law_heading = models.CharField(_("heading of the law"), max_length=64, blank=True)
    law = models.TextField(_("law (说法理)"), blank=True)
    reason_heading = models.CharField(_("heading of the reasons"), max_length=64, blank=True)
    reason = models.TextField(_("reasons (说文理)"), blank=True)
    feeling_heading = models.CharField(_("heading of the appeal to feeling"), max_length=64, blank=True)
    feeling = models.TextField(_("feeling (说情理)"), blank=True)
    body = models.TextField(_("body (what is ordered or decided)"), blank=True)
    rights = models.TextField(_("the party's rights"), blank=True)
    closing = models.TextField(_("closing"), blank=True)
    table_title = models.CharField(_("title of the table"), max_length=64, blank=True)
    table = models.TextField(
        _("table"),
        blank=True,
        help_text=_("One row per line, cells separated by |; the first line is the header."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            # every edit is a new version; issued documents record the version they were made from
            self.version = models.F("version") + 1
            super().save(*args, **kwargs)
            self.refresh_from_db(fields=["version"])
            return
        super().save(*args, **kwargs)


class IssuedDocument(models.Model):
    """A document as issued. Written once: ``save`` refuses a change of an existing row."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices, db_index=True)
    number = models.CharField(_("number"), max_length=64, unique=True)
    series = models.ForeignKey(
        DocumentSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="documents"
    )
    year = models.PositiveIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the year"))
    title = models.CharField(_("title"), max_length=64)
    bureau_name = models.CharField(_("bureau"), max_length=100)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    place_code = models.CharField(
        _("place"), max_length=15, blank=True, db_index=True, help_text=_("Empty: the whole city.")
    )
    party_name = models.CharField(_("party"), max_length=100, blank=True)
    context = models.JSONField(_("context as issued"), encoder=DjangoJSONEncoder, default=dict)
    sections = models.JSONField(_("rendered sections"), default=dict)
    reasoning_facts = models.TextField(_("facts (说事理)"))
    reasoning_law = models.TextField(_("law (说法理)"))
    reasoning_reason = models.TextField(_("reasons (说文理)"))
    reasoning_feeling = models.TextField(_("feeling (说情理)"))
    rendered_html = models.TextField(_("rendered HTML"))
    template_version = models.PositiveIntegerField(_("template version"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="doc_target")]
        constraints = [models.UniqueConstraint(fields=["series", "year", "seq"], name="doc_number_once")]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("issued documents are never changed; issue a correction instead")
        super().save(*args, **kwargs)

    def reasoning(self) -> dict[str, str]:
        return {part: getattr(self, f"reasoning_{part}") for part in REASONING_PARTS}
