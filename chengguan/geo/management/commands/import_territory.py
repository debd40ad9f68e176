"""chengguan import FILE [FILE …] [--layer NAME] [--crs gcj02] [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.core.errors import ChengguanError
from chengguan.geo.coords import CRS
from chengguan.geo.exchange import LAYERS
from chengguan.geo.importing import (
    ImportRejected,
    ImportReport,
    import_territory,
    read_layer_files,
    validate_territory,
)


class Command(BaseCommand):
    help = (
        "Import the territory from GeoJSON FeatureCollections, one file per layer "
        "(divisions, grids, roads, beats, vending_zones). Everything is checked first; on any "
        "problem nothing is written and the command exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="GeoJSON files, e.g. grids.geojson")
        parser.add_argument(
            "--layer",
            choices=LAYERS,
            help='the layer of the (single) file, when neither its "name" member nor its file name says',
        )
        parser.add_argument(
            "--crs",
            choices=[c.value for c in CRS],
            help="coordinate system of the files (default: the file's crs_name, else wgs84)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = []
        for name in options["files"]:
            try:
                sources.append((name, Path(name).read_bytes()))
            except OSError as exc:
                raise CommandError(
                    _("cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror or exc},
                    returncode=2,
                ) from None
        collections, read_problems = read_layer_files(sources, layer=options["layer"])
        try:
            if read_problems or options["dry_run"]:
                report = validate_territory(collections, crs=options["crs"])
                report.problems = read_problems + report.problems
            else:
                report = import_territory(collections, crs=options["crs"])
        except ImportRejected as rejected:
            report = rejected.report
        except ChengguanError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        self._print(report)
        if not report.ok:
            raise CommandError(
                _("import refused: %(n)d problems; nothing was written") % {"n": report.problem_count},
                returncode=1,
            )

    def _print(self, report: ImportReport) -> None:
        for line in report.problem_lines():
            self.stderr.write(line)
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.ok:
            self.stdout.write(
                _("checked and written in %(seconds).1f s") % {"seconds": report.seconds}
                if report.written
                else _("checked in %(seconds).1f s") % {"seconds": report.seconds}
            )
