"""chengguan import_holidays FILE [--covered-year YEAR …] [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.workdays.errors import HolidayImportRejected
from chengguan.workdays.importing import do_import_holidays, read_holiday_file


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Import the bureau's holiday table (法定节假日 and 调休 working days) from a CSV file "
            "(date,is_working_day,name[,note]) or a JSON list. Every line is checked first; on any "
            "problem nothing is written and the command exits with status 1."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help=_("a .csv or .json file"))
        parser.add_argument(
            "--covered-year",
            type=int,
            action="append",
            default=[],
            metavar="YEAR",
            help=_("declare YEAR complete in the bureau's table (repeatable)"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("check only; write nothing"))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror or exc},
                returncode=2,
            ) from None
        try:
            rows = read_holiday_file(name, data)
        except HolidayImportRejected as rejected:
            for line in rejected.problems:
                self.stderr.write(line)
            raise CommandError(
                _("import refused: %(n)d problems; nothing was written") % {"n": len(rejected.problems)},
                returncode=1,
            ) from None
        for year in options["covered_year"]:
            if not 1900 <= year <= 2200:
                raise CommandError(
                    _("%(year)d is not a year between 1900 and 2200") % {"year": year}, returncode=2
                )
        if options["dry_run"]:
            self.stdout.write(_("%(n)d days checked; nothing written (dry run)") % {"n": len(rows)})
            return
        result = do_import_holidays(rows, covered_years=options["covered_year"], source=Path(name).name)
        self.stdout.write(
            _("%(created)d days added, %(updated)d changed, %(unchanged)d unchanged")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
        if result.covered_years:
            self.stdout.write(
                _("years marked covered: %(years)s") % {"years": ", ".join(map(str, result.covered_years))}
            )
