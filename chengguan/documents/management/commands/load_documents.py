"""``manage.py load_documents [--force]``: the document templates and series from ``templates_seed/``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chengguan.documents.loading import load_templates


class Command(BaseCommand):
    help = "Load the enforcement document templates and number series from the seed files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="overwrite templates edited in the admin with the seed text"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_templates(force=options["force"])
        self.stdout.write(
            f"document templates: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.kept)} kept"
        )
