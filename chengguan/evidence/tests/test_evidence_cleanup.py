"""evidence_cleanup removes stored files that no evidence row refers to, and only those."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from chengguan.evidence.models import Evidence
from chengguan.evidence.services import store_evidence
from chengguan.evidence.tests import samples

pytestmark = pytest.mark.django_db


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def _orphan() -> str:
    with pytest.raises(RuntimeError), transaction.atomic():
        name = store_evidence(
            SimpleUploadedFile("a.pdf", samples.pdf()), owner_type="cases.report", owner_id="1"
        ).file.name
        raise RuntimeError("rolled back")
    return name


def test_it_removes_an_old_orphan_left_by_a_rollback(media_root: Path) -> None:
    orphan = _orphan()
    kept = store_evidence(SimpleUploadedFile("b.wav", samples.wav()), owner_type="cases.report", owner_id="2")
    _age(media_root / orphan, 48)
    _age(media_root / kept.file.name, 48)

    out = io.StringIO()
    call_command("evidence_cleanup", stdout=out)

    assert not (media_root / orphan).exists()
    assert (media_root / kept.file.name).exists()
    assert Evidence.objects.count() == 1


def test_it_keeps_a_recent_orphan(media_root: Path) -> None:
    orphan = _orphan()

    call_command("evidence_cleanup", stdout=io.StringIO())

    assert (media_root / orphan).exists()


def test_a_dry_run_only_lists(media_root: Path) -> None:
    orphan = _orphan()
    _age(media_root / orphan, 48)

    out = io.StringIO()
    call_command("evidence_cleanup", "--dry-run", stdout=out)

    assert orphan in out.getvalue()
    assert (media_root / orphan).exists()


def test_it_does_nothing_without_an_evidence_folder(media_root: Path) -> None:
    out = io.StringIO()

    call_command("evidence_cleanup", stdout=out)

    assert "0" in out.getvalue()
