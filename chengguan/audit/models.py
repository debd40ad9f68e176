"""The append-only, hash-chained audit log (S15: 以罚代管, 乱罚款 must be impossible to hide).

Every entry carries the SHA-256 of its own content and of the entry before it (``chain.py``), so
changing, inserting or deleting any entry breaks the chain, which ``verify_chain`` finds. Entries are
written only by ``services.record``; the model and its query set refuse updates and deletes, and on
PostgreSQL triggers refuse them too (migration 0003). A database superuser can still drop those
triggers or rewrite the table, which is why the chain is verified (``chengguan audit verify``) and why
the head hash it prints is worth keeping outside the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.audit.errors import AppendOnlyViolation


class AuditEntryQuerySet(models.QuerySet):
    """Reads only: bulk writes would bypass the chain."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation()

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise AppendOnlyViolation(
            _("Audit entries are appended only through audit.services, which chains them.")
        )

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyViolation()


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the system."),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_id", "target_type"], name="audit_entry_target"),
            models.Index(fields=["at"], name="audit_entry_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_entry_seq_positive"),
        ]

    def __str__(self) -> str:
        target = f" {self.target_type}:{self.target_id}" if self.target_type or self.target_id else ""
        return f"#{self.seq} {self.action}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation()

    @property
    def target_label(self) -> str:
        return f"{self.target_type}:{self.target_id}" if self.target_type or self.target_id else ""


class AuditHead(models.Model):
    """The single row (pk 1) naming the last entry of the chain; appenders serialise on it."""

    seq = models.BigIntegerField(_("last sequence number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("audit head")
        verbose_name_plural = _("audit head")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="audit_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
