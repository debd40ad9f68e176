"""Evidence files (photo, video, audio, document) attached to reports, case steps and enforcement records.

A row is written once by ``services.store_evidence`` and never changed: the stored file is named by
the SHA-256 of its content, so the hash in the row can be checked against the file at any time, and
the same content uploaded twice is stored once (with one row per owner).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Where stored evidence lives inside the storage; ``evidence_cleanup`` only ever looks below it.
EVIDENCE_DIR = "evidence"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio recording")
    DOCUMENT = "document", _("Document")


def content_path(sha256: str, extension: str) -> str:
    """Content-addressed storage name: ``evidence/ab/cd/<sha256>.<ext>``."""
    return f"{EVIDENCE_DIR}/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """``upload_to`` of ``Evidence.file``: the content-addressed name (the hash must be set first)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return content_path(instance.sha256, extension)


class Evidence(models.Model):
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    mime_type = models.CharField(_("MIME type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)

    # what the evidence belongs to: "cases.report" + "123", "cases.caseevent" + "456", …
    owner_type = models.CharField(_("owner type"), max_length=64)
    owner_id = models.CharField(_("owner id"), max_length=64)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploaded_evidence",
        help_text=_("Empty for anonymous citizens and cameras."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    # from the photo's EXIF, when present
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    capture_lon = models.FloatField(_("capture longitude (WGS84)"), null=True, blank=True)
    capture_lat = models.FloatField(_("capture latitude (WGS84)"), null=True, blank=True)

    # flagged, never refused: the capture time or place differs from what the owner expects
    time_mismatch = models.BooleanField(_("time mismatch"), default=False)
    place_mismatch = models.BooleanField(_("place mismatch"), default=False)
    mismatch_note = models.TextField(_("mismatch note"), blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ("uploaded_at", "id")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="evidence_owner_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]} ({self.owner_type}#{self.owner_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Evidence is written once: an existing row is never saved again (integrity)."""
        if self.pk is not None and not self._state.adding:
            raise ValueError("evidence is immutable once stored")
        super().save(*args, **kwargs)

    @property
    def has_mismatch(self) -> bool:
        return self.time_mismatch or self.place_mismatch


def evidence_storage() -> Storage:
    """The storage evidence files live in (``default_storage`` unless the field says otherwise)."""
    storage: Storage = Evidence._meta.get_field("file").storage  # type: ignore[attr-defined]
    return storage
