"""manage.py load_enforcement [FILE] [--dry-run] [--demo]: upsert provisions, violation types and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.enforcement.loading import DATA_FILE, EnforcementDataRejected, load_data, parse_data


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _(
            "Load legal provisions, violation types and discretion benchmarks from a JSON file in the "
            "format of chengguan/enforcement/data/enforcement.json (the default). Loading the same file "
            "twice changes nothing; on any problem nothing is written and the command exits with status 1."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE", nargs="?", default=str(DATA_FILE), help=_("the data file")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("check only; write nothing"))
        parser.add_argument(
            "--demo", action="store_true", help=_("also write the demo ledger (only into an empty ledger)")
        )

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
            report = load_data(parse_data(text), dry_run=options["dry_run"])
        except EnforcementDataRejected as rejected:
            for line in rejected.problems:
                self.stderr.write(line)
            raise CommandError(str(rejected.message), returncode=1) from None
        for label in report.created:
            self.stdout.write(_("created %(item)s") % {"item": label})
        for label in report.updated:
            self.stdout.write(_("updated %(item)s") % {"item": label})
        self.stdout.write(report.summary())
        if options["demo"] and not options["dry_run"]:
            from chengguan.enforcement.demo import seed_demo

            demo = seed_demo()
            self.stdout.write(
                _("demo ledger: %(parties)s parties, %(violations)s violations")
                % {"parties": demo.parties, "violations": demo.violations}
            )
