"""Loading the seed texts of ``templates_seed/`` into ``DocumentTemplate`` and ``DocumentSeries`` rows.

An existing template is left as the admin edited it unless ``force`` is given; a series that exists
keeps its prefix (the bureau may have changed it). Every kind has a seed file, so a kind whose
template is missing is loaded on first use (``get_template``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from chengguan.documents.models import DocumentKind, DocumentSeries, DocumentTemplate

SEED_DIR = Path(__file__).resolve().parent / "templates_seed"
TEMPLATE_FIELDS = (
    "opening",
    "facts_heading",
    "facts",
    "law_heading",
    "law",
    "reason_heading",
    "reason",
    "feeling_heading",
    "feeling",
    "body",
    "rights",
    "closing",
    "table_title",
    "table",
)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def seed_of(kind: str) -> dict[str, Any]:
    """The seed file of ``kind``, parsed (section texts stripped of the blank first and last lines)."""
    data = tomllib.loads((SEED_DIR / f"{kind}.toml").read_text(encoding="utf-8"))
    return {k: v.strip("\n") if isinstance(v, str) else v for k, v in data.items()}


def _series(seed: dict[str, Any]) -> DocumentSeries:
    series, _ = DocumentSeries.objects.get_or_create(
        code=seed["series_code"],
        defaults={"prefix": seed["series_prefix"], "name": seed.get("series_name", "")},
    )
    return series


def load_kind(kind: str, *, force: bool = False) -> tuple[DocumentTemplate, str]:
    """Create (or with ``force`` overwrite) the template of ``kind``: (template, created/updated/kept)."""
    seed = seed_of(kind)
    values = {name: seed.get(name, "") for name in TEMPLATE_FIELDS}
    with transaction.atomic():
        template = DocumentTemplate.objects.filter(kind=kind).first()
        if template is None:
            try:
                with transaction.atomic():
                    template = DocumentTemplate.objects.create(
                        kind=kind, title=seed["title"], series=_series(seed), **values
                    )
                return template, "created"
            except IntegrityError:  # created by somebody else at the same moment
                return DocumentTemplate.objects.get(kind=kind), "kept"
        if not force:
            return template, "kept"
        template.title = seed["title"]
        for name, value in values.items():
            setattr(template, name, value)
        template.save()
        return template, "updated"


def load_templates(*, force: bool = False) -> LoadReport:
    report = LoadReport()
    for kind in DocumentKind.values:
        _, outcome = load_kind(kind, force=force)
        getattr(report, outcome).append(kind)
    return report


def get_template(kind: str) -> DocumentTemplate:
    """The template of ``kind``, loaded from its seed file when nobody has made it yet."""
    template = DocumentTemplate.objects.select_related("series").filter(kind=kind).first()
    if template is None:
        template, _ = load_kind(kind)
    return template
