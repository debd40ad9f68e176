"""Which files are accepted as evidence, recognised from their content (never from name or client type)."""

from __future__ import annotations

from dataclasses import dataclass

import filetype

from chengguan.evidence.models import EvidenceKind

# filetype looks at no more than this many leading bytes
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ContentType:
    kind: EvidenceKind
    mime_type: str
    extension: str
    label: str


# filetype's extension → what we store. Anything not listed is refused.
ACCEPTED: dict[str, ContentType] = {
    "jpg": ContentType(EvidenceKind.PHOTO, "image/jpeg", "jpg", "JPEG"),
    "png": ContentType(EvidenceKind.PHOTO, "image/png", "png", "PNG"),
    "webp": ContentType(EvidenceKind.PHOTO, "image/webp", "webp", "WebP"),
    "heic": ContentType(EvidenceKind.PHOTO, "image/heic", "heic", "HEIC"),
    "mp4": ContentType(EvidenceKind.VIDEO, "video/mp4", "mp4", "MP4"),
    "mov": ContentType(EvidenceKind.VIDEO, "video/quicktime", "mov", "QuickTime MOV"),
    "webm": ContentType(EvidenceKind.VIDEO, "video/webm", "webm", "WebM"),
    "mp3": ContentType(EvidenceKind.AUDIO, "audio/mpeg", "mp3", "MP3"),
    "m4a": ContentType(EvidenceKind.AUDIO, "audio/mp4", "m4a", "M4A"),
    "aac": ContentType(EvidenceKind.AUDIO, "audio/aac", "aac", "AAC"),
    "amr": ContentType(EvidenceKind.AUDIO, "audio/amr", "amr", "AMR"),
    "wav": ContentType(EvidenceKind.AUDIO, "audio/wav", "wav", "WAV"),
    "ogg": ContentType(EvidenceKind.AUDIO, "audio/ogg", "ogg", "OGG"),
    "pdf": ContentType(EvidenceKind.DOCUMENT, "application/pdf", "pdf", "PDF"),
    "docx": ContentType(
        EvidenceKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "DOCX",
    ),
}


def accepted_labels(kind: EvidenceKind) -> list[str]:
    return [t.label for t in ACCEPTED.values() if t.kind == kind]


def sniff(head: bytes) -> tuple[ContentType | None, str]:
    """(accepted content type or None, name of what was detected) for the first bytes of a file."""
    guessed = filetype.guess(bytes(head[:SNIFF_BYTES])) if head else None
    if guessed is None:
        return None, "unknown"
    accepted = ACCEPTED.get(guessed.extension)
    return accepted, (accepted.label if accepted else guessed.mime)
