"""store_evidence: the type comes from the content, size limits hold, storage is content-addressed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chengguan.core.errors import InvalidInput
from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.evidence.services import evidence_for, stage_evidence_file, store_evidence
from chengguan.evidence.tests import samples

pytestmark = pytest.mark.django_db

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT = {"owner_type": "cases.report", "owner_id": "1"}


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("name", "content", "kind", "mime", "extension"),
    [
        ("photo.jpg", samples.jpeg(), EvidenceKind.PHOTO, "image/jpeg", "jpg"),
        ("tiny.png", samples.png(), EvidenceKind.PHOTO, "image/png", "png"),
        ("IMG_0001.HEIC", samples.iso_bmff("heic", "mif1", "heic"), EvidenceKind.PHOTO, "image/heic", "heic"),
        ("clip.mp4", samples.iso_bmff("isom", "isom", "mp41"), EvidenceKind.VIDEO, "video/mp4", "mp4"),
        ("clip.mov", samples.iso_bmff("qt  ", "qt  "), EvidenceKind.VIDEO, "video/quicktime", "mov"),
        ("clip.webm", samples.WEBM + b"\0" * 64, EvidenceKind.VIDEO, "video/webm", "webm"),
        ("memo.m4a", samples.iso_bmff("M4A ", "M4A ", "isom"), EvidenceKind.AUDIO, "audio/mp4", "m4a"),
        ("talk.wav", samples.wav(), EvidenceKind.AUDIO, "audio/wav", "wav"),
        ("talk.amr", b"#!AMR\n" + b"\0" * 64, EvidenceKind.AUDIO, "audio/amr", "amr"),
        ("notice.pdf", samples.pdf(), EvidenceKind.DOCUMENT, "application/pdf", "pdf"),
        ("statement.docx", samples.docx(), EvidenceKind.DOCUMENT, DOCX_MIME, "docx"),
    ],
)
def test_it_stores_each_accepted_type_under_its_hash(
    media_root: Path, name: str, content: bytes, kind: str, mime: str, extension: str
) -> None:
    evidence = store_evidence(_upload(name, content), **REPORT)

    sha = hashlib.sha256(content).hexdigest()
    assert (evidence.kind, evidence.mime_type, evidence.size_bytes) == (kind, mime, len(content))
    assert evidence.sha256 == sha
    assert evidence.file.name == f"evidence/{sha[:2]}/{sha[2:4]}/{sha}.{extension}"
    assert evidence.original_name == name
    assert (media_root / evidence.file.name).read_bytes() == content


def test_it_goes_by_content_not_by_name_or_client_type() -> None:
    evidence = store_evidence(_upload("photo.jpg", samples.pdf(), "image/jpeg"), **REPORT)

    assert evidence.kind == EvidenceKind.DOCUMENT
    assert evidence.mime_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")
    assert evidence.original_name == "photo.jpg"


def test_it_refuses_a_pdf_asserted_to_be_a_photo() -> None:
    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload("photo.jpg", samples.pdf(), "image/jpeg"), kind="photo", **REPORT)

    assert refused.value.field == "file"
    assert refused.value.details["detected"] == "PDF"
    assert "PDF" in str(refused.value.message)
    assert not Evidence.objects.exists()


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload("a.pdf", samples.pdf()), kind="hologram", **REPORT)

    assert refused.value.field == "kind"


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("setup.jpg", b"MZ\x90\x00" + b"\0" * 200, "application/x-msdownload"),
        ("run.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200, "application/x-executable"),
        ("photos.zip", samples.plain_zip(), "application/zip"),
        ("anim.gif", b"GIF89a" + b"\0" * 100, "image/gif"),
        ("notes.txt", "随手拍：占道经营".encode(), "unknown"),
    ],
)
def test_it_refuses_other_content_naming_the_field_and_the_type(
    media_root: Path, name: str, content: bytes, detected: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload(name, content), **REPORT)

    assert refused.value.field == "file"
    assert refused.value.details["detected"] == detected
    assert detected in str(refused.value.message)
    assert _stored_files(media_root) == []


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload("empty.jpg", b""), **REPORT)

    assert refused.value.field == "file"


def test_it_refuses_a_file_over_the_overall_limit(settings, media_root: Path) -> None:
    settings.EVIDENCE_MAX_MB = 1

    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload("big.pdf", samples.pdf(padding=1024 * 1024)), **REPORT)

    assert refused.value.field == "file"
    assert refused.value.details["limit_mb"] == 1
    assert "1 MB" in str(refused.value.message)
    assert _stored_files(media_root) == []


def test_it_refuses_a_file_over_the_limit_when_its_size_is_not_declared(settings) -> None:
    settings.EVIDENCE_MAX_MB = 1
    stream = io.BytesIO(samples.pdf(padding=1024 * 1024))

    with pytest.raises(InvalidInput) as refused:
        store_evidence(stream, **REPORT)

    assert refused.value.details["limit_mb"] == 1


def test_it_applies_the_per_kind_limit(settings) -> None:
    settings.EVIDENCE_KIND_MAX_MB = {"photo": 1}
    big_photo = samples.png((700, 700), noise=True)
    assert len(big_photo) > 1024 * 1024

    with pytest.raises(InvalidInput) as refused:
        store_evidence(_upload("big.png", big_photo), **REPORT)
    document = store_evidence(_upload("big.pdf", samples.pdf(padding=1024 * 1024)), **REPORT)

    assert refused.value.details["limit_mb"] == 1
    assert document.kind == EvidenceKind.DOCUMENT


def test_its_hash_is_sha256_of_a_file_larger_than_one_chunk() -> None:
    content = samples.pdf(padding=3 * 1024 * 1024 + 17)

    evidence = store_evidence(_upload("long.pdf", content), **REPORT)

    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size_bytes == len(content)
    with evidence.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256


def test_the_same_content_twice_is_stored_once_with_a_row_per_owner(media_root: Path) -> None:
    content = samples.jpeg()

    first = store_evidence(_upload("a.jpg", content), owner_type="cases.report", owner_id="1")
    second = store_evidence(ContentFile(content, name="b.jpeg"), owner_type="cases.caseevent", owner_id="7")

    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert len(_stored_files(media_root)) == 1
    assert [e.pk for e in evidence_for("cases.report", "1")] == [first.pk]
    assert [e.pk for e in evidence_for("cases.caseevent", "7")] == [second.pk]


def test_evidence_for_lists_one_owner_oldest_first() -> None:
    first = store_evidence(_upload("a.png", samples.png()), **REPORT)
    second = store_evidence(_upload("b.wav", samples.wav()), **REPORT)
    store_evidence(_upload("c.pdf", samples.pdf()), owner_type="cases.report", owner_id="2")

    assert list(evidence_for("cases.report", "1")) == [first, second]


def test_a_rollback_leaves_no_row() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        store_evidence(_upload("a.jpg", samples.jpeg()), **REPORT)
        raise RuntimeError("the report could not be saved")

    assert not Evidence.objects.exists()


def test_a_staged_file_is_stored_without_reading_it_again(media_root: Path) -> None:
    staged = stage_evidence_file(_upload("a.wav", samples.wav()))
    assert not Evidence.objects.exists()

    with transaction.atomic():
        evidence = store_evidence(staged, **REPORT)

    assert evidence.kind == EvidenceKind.AUDIO
    assert default_storage.exists(evidence.file.name)
    with pytest.raises(InvalidInput):
        store_evidence(staged, kind="photo", **REPORT)


def test_stored_evidence_cannot_be_saved_again() -> None:
    evidence = store_evidence(_upload("a.pdf", samples.pdf()), **REPORT)
    evidence.owner_id = "2"

    with pytest.raises(ValueError):
        evidence.save()
