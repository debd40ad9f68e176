"""The rules and laws the bureau enforces (普法 / 公示), read from ``data/laws.json``.

Each entry: ``title_zh``, ``title_en``, ``issuer``, ``kind`` (law, regulation, rule, standard),
``adopted`` and ``in_force`` (ISO dates or empty), ``summary_zh``, ``summary_en`` and ``topics``.
The bureau edits the file (or replaces it with ``PORTAL_LAWS_FILE``); the page shows it as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

DEFAULT_FILE = Path(__file__).parent / "data" / "laws.json"


@dataclass(frozen=True)
class LawEntry:
    title: str
    issuer: str
    kind: str
    adopted: str
    in_force: str
    summary: str
    topics: tuple[str, ...]


@lru_cache(maxsize=4)
def _read(path: str) -> tuple[dict[str, Any], ...]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(data["laws"])


def load_laws() -> list[LawEntry]:
    """The entries in the active language (Chinese text when an English one is missing)."""
    path = str(getattr(settings, "PORTAL_LAWS_FILE", "") or DEFAULT_FILE)
    english = not (get_language() or "zh").startswith("zh")
    entries = []
    for row in _read(path):
        title = (row.get("title_en") if english else "") or row["title_zh"]
        summary = (row.get("summary_en") if english else "") or row.get("summary_zh", "")
        entries.append(
            LawEntry(
                title=title,
                issuer=row.get("issuer", ""),
                kind=row.get("kind", ""),
                adopted=row.get("adopted", ""),
                in_force=row.get("in_force", ""),
                summary=summary,
                topics=tuple(row.get("topics", ())),
            )
        )
    return entries
