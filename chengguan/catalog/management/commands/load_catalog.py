"""manage.py load_catalog FILE [--dry-run]: upsert categories and time limits from a catalog file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.catalog.loading import CatalogRejected, load_catalog, parse_catalog


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _(
            "Load component and event categories with their time limits from a JSON file in the format "
            "of chengguan/catalog/data/categories.json. Everything is checked first; on any problem "
            "nothing is written and the command exits with status 1."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("the catalog file (JSON, UTF-8)"))
        parser.add_argument("--dry-run", action="store_true", help=_("check only; write nothing"))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            text = Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror or exc},
                returncode=2,
            ) from None
        try:
            report = load_catalog(
                parse_catalog(text),
                dry_run=options["dry_run"],
                note=_("load_catalog %(file)s") % {"file": Path(name).name},
            )
        except CatalogRejected as rejected:
            for line in rejected.problems:
                self.stderr.write(line)
            raise CommandError(str(rejected.message), returncode=1) from None
        for label in report.created:
            self.stdout.write(_("created %(category)s") % {"category": label})
        for label in report.updated:
            self.stdout.write(_("updated %(category)s") % {"category": label})
        self.stdout.write(report.summary())
