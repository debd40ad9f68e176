"""Storing evidence: type from the content, size limits, SHA-256, content-addressed storage, EXIF checks.

Use ``store_evidence`` inside the transaction that creates the owner (report, case step, …): the
``Evidence`` row is part of that transaction and disappears with it on rollback.

The file itself is written to storage *before* the row, and storage is not transactional: after a
rollback the stored file stays behind, unreferenced. That is harmless (the name is the content's
hash; a later upload of the same content reuses it) and ``manage.py evidence_cleanup`` removes such
orphans (only files older than a grace period: a younger file's row may still be in flight).
One narrow race remains: an upload that reuses an old orphan (same content) while the cleanup runs
may lose its file; run the cleanup at a quiet hour. To keep slow storage I/O (S3) out of a database transaction, call ``stage_evidence_file``
before ``transaction.atomic()`` and pass the returned ``StagedFile`` to ``store_evidence`` inside it.

Files go through Django's storage API only (``Evidence.file.storage``, i.e. ``default_storage``), so
they can live on the local disk or in S3-compatible storage through django-storages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import tempfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.core.clock import to_city
from chengguan.core.errors import InvalidInput
from chengguan.evidence.content_types import SNIFF_BYTES, ContentType, accepted_labels, sniff
from chengguan.evidence.exif import Capture, read_capture
from chengguan.evidence.models import Evidence, EvidenceKind, content_path, evidence_storage
from chengguan.evidence.selectors import evidence_for
from chengguan.geo.projection import LocalProjection

__all__ = [
    "StagedFile",
    "evidence_for",
    "kind_max_bytes",
    "place_tolerance_m",
    "stage_evidence_file",
    "store_evidence",
    "time_tolerance",
]

CHUNK_BYTES = 256 * 1024
# Uploads are copied to a temporary file while hashed (so the stored bytes are the hashed bytes);
# up to this size the copy stays in memory.
SPOOL_MEMORY_BYTES = 1024 * 1024
MB = 1024 * 1024

# Largest file of each kind in MB, always capped by settings.EVIDENCE_MAX_MB; None: that cap only.
# A deployment may override any of them with settings.EVIDENCE_KIND_MAX_MB = {"photo": 30, …}.
DEFAULT_KIND_MAX_MB: dict[str, int | None] = {
    EvidenceKind.PHOTO: 20,
    EvidenceKind.AUDIO: 50,
    EvidenceKind.VIDEO: None,
    EvidenceKind.DOCUMENT: 20,
}


def max_mb() -> int:
    """Largest evidence file of any kind, in MB (settings.EVIDENCE_MAX_MB)."""
    return int(getattr(settings, "EVIDENCE_MAX_MB", 50))


def kind_max_bytes(kind: str | None) -> int:
    """Largest accepted file of ``kind`` (None: of any kind) in bytes."""
    overall = max_mb()
    if kind is None:
        return overall * MB
    per_kind = {**DEFAULT_KIND_MAX_MB, **getattr(settings, "EVIDENCE_KIND_MAX_MB", {})}.get(kind)
    return (min(overall, per_kind) if per_kind else overall) * MB


def time_tolerance() -> dt.timedelta:
    """How far the capture time may be from the expected time before it is flagged."""
    return dt.timedelta(minutes=float(getattr(settings, "EVIDENCE_TIME_TOLERANCE_MIN", 30)))


def place_tolerance_m() -> float:
    """How far (metres) the capture place may be from the expected place before it is flagged."""
    return float(getattr(settings, "EVIDENCE_PLACE_TOLERANCE_M", 100))


@dataclass(frozen=True)
class StagedFile:
    """A checked file already in storage under its content-addressed name, with no row yet."""

    name: str
    kind: EvidenceKind
    mime_type: str
    size_bytes: int
    sha256: str
    original_name: str
    capture: Capture


def _original_name(upload: Any) -> str:
    name = getattr(upload, "name", None) or ""
    return PurePath(str(name).replace("\\", "/")).name[:255]


def _too_large(limit: int, kind: str | None) -> InvalidInput:
    what = EvidenceKind(kind).label if kind else _("evidence")
    return InvalidInput(
        _("The file is too large: at most %(limit)s MB is accepted for %(kind)s.")
        % {"limit": limit // MB, "kind": what},
        field="file",
        limit_mb=limit // MB,
    )


def _refuse_type(detected: str) -> InvalidInput:
    accepted = "; ".join(f"{kind.label}: {', '.join(accepted_labels(kind))}" for kind in EvidenceKind)
    return InvalidInput(
        _("Files of type %(type)s are not accepted as evidence. Accepted are %(accepted)s.")
        % {"type": detected, "accepted": accepted},
        field="file",
        detected=detected,
    )


def _check_kind(kind: str | None) -> EvidenceKind | None:
    if kind is None:
        return None
    if kind not in EvidenceKind.values:
        raise InvalidInput(
            _("Unknown kind of evidence %(kind)r; choose one of %(choices)s.")
            % {"kind": kind, "choices": ", ".join(EvidenceKind.values)},
            field="kind",
        )
    return EvidenceKind(kind)


def _chunks(upload: Any) -> Any:
    if hasattr(upload, "chunks"):
        return upload.chunks(CHUNK_BYTES)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return iter(lambda: upload.read(CHUNK_BYTES), b"")


def _save_content_addressed(spool: IO[bytes], name: str) -> str:
    """Store ``spool`` under ``name`` unless that content is there already; returns the stored name."""
    storage = evidence_storage()
    if storage.exists(name):
        return name
    spool.seek(0)
    saved = storage.save(name, File(spool, name=name))
    if saved != name and storage.exists(name):
        # another upload of the same content got there first: its file is ours byte for byte
        storage.delete(saved)
        return name
    return saved


def stage_evidence_file(upload: File | IO[bytes] | Any, *, kind: str | None = None) -> StagedFile:
    """Check ``upload`` (type from content, size, kind) and put it in storage; no database write.

    Reads the upload once, in chunks, hashing as it goes; memory use is bounded whatever the size.
    Raises ``InvalidInput`` (field ``file`` or ``kind``) for a refused file.
    """
    asked = _check_kind(kind)
    limit = kind_max_bytes(asked)
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > kind_max_bytes(None):
        raise _too_large(kind_max_bytes(None), None)

    digest = hashlib.sha256()
    size = 0
    head = bytearray()
    content: ContentType | None = None
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES) as spool:
        for chunk in _chunks(upload):
            if not chunk:
                continue
            size += len(chunk)
            if content is None and len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
                if len(head) >= SNIFF_BYTES:
                    content, limit = _identify(bytes(head), asked)
            if size > limit:
                raise _too_large(limit, content.kind if content else asked)
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise InvalidInput(_("The file is empty."), field="file")
        if content is None:
            content, limit = _identify(bytes(head), asked)
            if size > limit:
                raise _too_large(limit, content.kind)

        sha256 = digest.hexdigest()
        capture = read_capture(spool) if content.kind == EvidenceKind.PHOTO else Capture()
        name = _save_content_addressed(spool, content_path(sha256, content.extension))

    return StagedFile(
        name=name,
        kind=content.kind,
        mime_type=content.mime_type,
        size_bytes=size,
        sha256=sha256,
        original_name=_original_name(upload),
        capture=capture,
    )


def _identify(head: bytes, asked: EvidenceKind | None) -> tuple[ContentType, int]:
    content, detected = sniff(head)
    if content is None:
        raise _refuse_type(detected)
    if asked is not None and content.kind != asked:
        raise InvalidInput(
            _("The file is a %(detected)s file (%(actual)s), not %(kind)s.")
            % {"detected": detected, "actual": content.kind.label, "kind": asked.label},
            field="file",
            detected=detected,
        )
    return content, kind_max_bytes(content.kind)


def _mismatches(
    capture: Capture,
    expected_time: dt.datetime | None,
    expected_lon: float | None,
    expected_lat: float | None,
) -> tuple[bool, bool, str]:
    notes: list[str] = []
    time_off = place_off = False
    if expected_time is not None and capture.at is not None:
        tolerance = time_tolerance()
        gap = abs(capture.at - expected_time)
        if gap > tolerance:
            time_off = True
            notes.append(
                _(
                    "Taken at %(captured)s, %(minutes)s minutes from the expected time %(expected)s "
                    "(tolerance %(tolerance)s minutes)."
                )
                % {
                    "captured": to_city(capture.at).strftime("%Y-%m-%d %H:%M"),
                    "expected": to_city(expected_time).strftime("%Y-%m-%d %H:%M"),
                    "minutes": round(gap.total_seconds() / 60),
                    "tolerance": round(tolerance.total_seconds() / 60),
                }
            )
    if (
        expected_lon is not None
        and expected_lat is not None
        and capture.lon is not None
        and capture.lat is not None
    ):
        tolerance_m = place_tolerance_m()
        distance = _distance_m(expected_lon, expected_lat, capture.lon, capture.lat)
        if distance > tolerance_m:
            place_off = True
            notes.append(
                _("Taken %(distance)s m from the expected place (tolerance %(tolerance)s m).")
                % {"distance": round(distance), "tolerance": round(tolerance_m)}
            )
    return time_off, place_off, " ".join(notes)


def _distance_m(lon0: float, lat0: float, lon: float, lat: float) -> float:
    x, y = LocalProjection(lon0, lat0).to_xy(lon, lat)
    return math.hypot(float(x), float(y))


def store_evidence(
    upload: File | IO[bytes] | StagedFile | Any,
    *,
    owner_type: str,
    owner_id: str,
    uploaded_by: Any = None,
    expected_time: dt.datetime | None = None,
    expected_lon: float | None = None,
    expected_lat: float | None = None,
    kind: str | None = None,
) -> Evidence:
    """Store ``upload`` as evidence of ``owner_type``/``owner_id`` and return the new row.

    Call it inside the caller's transaction. The type is sniffed from the content; a refused file
    raises ``InvalidInput`` naming the field. A photo whose EXIF time or place is further than the
    tolerances from ``expected_time`` / (``expected_lon``, ``expected_lat``) is stored and flagged,
    with a note in the active language. ``upload`` may be a ``StagedFile`` from
    ``stage_evidence_file`` (storage I/O already done outside the transaction).
    """
    if not owner_type or len(owner_type) > 64 or owner_id is None or len(str(owner_id)) > 64:
        raise ValueError("owner_type and owner_id must be non-empty strings of at most 64 characters")
    if expected_time is not None and expected_time.tzinfo is None:
        raise ValueError("expected_time must be an aware datetime")
    if (expected_lon is None) != (expected_lat is None):
        raise ValueError("give both expected_lon and expected_lat, or neither")
    if isinstance(upload, StagedFile):
        staged = upload
        asked = _check_kind(kind)
        if asked is not None and staged.kind != asked:
            raise InvalidInput(
                _("The file is %(actual)s, not %(kind)s.")
                % {"actual": staged.kind.label, "kind": asked.label},
                field="file",
            )
    else:
        staged = stage_evidence_file(upload, kind=kind)

    time_off, place_off, note = _mismatches(staged.capture, expected_time, expected_lon, expected_lat)
    with transaction.atomic():
        evidence = Evidence(
            kind=staged.kind,
            mime_type=staged.mime_type,
            size_bytes=staged.size_bytes,
            sha256=staged.sha256,
            original_name=staged.original_name,
            owner_type=owner_type,
            owner_id=str(owner_id),
            uploaded_by=uploaded_by,
            captured_at=staged.capture.at,
            capture_lon=staged.capture.lon,
            capture_lat=staged.capture.lat,
            time_mismatch=time_off,
            place_mismatch=place_off,
            mismatch_note=note,
        )
        evidence.file.name = staged.name
        evidence.save()
    return evidence
