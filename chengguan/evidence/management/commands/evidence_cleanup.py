"""``manage.py evidence_cleanup``: remove stored evidence files that no ``Evidence`` row refers to.

Such orphans are left when the transaction that stored an upload rolls back (storage is not
transactional). Files younger than ``--min-age-hours`` are kept: their row may belong to a
transaction still in progress. Only the storage folder ``evidence/`` is looked at, through the
storage API, so it works the same on the local disk and in S3-compatible storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from chengguan.core.clock import now
from chengguan.evidence.models import EVIDENCE_DIR, Evidence, evidence_storage

BATCH = 500


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for sub in sorted(dirs):
        yield from _walk(storage, f"{folder}/{sub}")


def _batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(BaseCommand):
    help = _("Remove stored evidence files that no evidence record refers to.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=24.0,
            help=_("Keep unreferenced files younger than this (default 24)."),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("List what would be removed."))

    def handle(self, *args: Any, min_age_hours: float, dry_run: bool, **options: Any) -> None:
        storage = evidence_storage()
        cutoff = now() - dt.timedelta(hours=min_age_hours)
        removed = kept_young = 0
        for batch in _batches(_walk(storage, EVIDENCE_DIR)):
            referenced = set(Evidence.objects.filter(file__in=batch).values_list("file", flat=True))
            for name in batch:
                if name in referenced:
                    continue
                try:
                    modified = storage.get_modified_time(name)
                except (NotImplementedError, FileNotFoundError):
                    modified = None
                if modified is None or modified > cutoff:
                    kept_young += 1
                    continue
                if dry_run:
                    self.stdout.write(name)
                else:
                    storage.delete(name)
                removed += 1
        message = _("Unreferenced files removed: %(removed)s; too recent to remove: %(kept)s.")
        if dry_run:
            message = _("Unreferenced files to remove: %(removed)s; too recent to remove: %(kept)s.")
        self.stdout.write(message % {"removed": removed, "kept": kept_young})
