"""chengguan export DIR [--layer NAME …] [--crs gcj02] | chengguan export --stdout --layer NAME"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.geo.coords import CRS
from chengguan.geo.exchange import LAYERS, export_layer


def dump_collection(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"


class Command(BaseCommand):
    help = "Export the territory as GeoJSON FeatureCollections: one DIR/<layer>.geojson per layer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", metavar="DIR", help="where to write <layer>.geojson")
        parser.add_argument(
            "--layer",
            action="append",
            choices=LAYERS,
            dest="layers",
            help="export this layer (repeatable; default: every layer)",
        )
        parser.add_argument(
            "--crs",
            choices=[c.value for c in CRS],
            default=CRS.WGS84.value,
            help="coordinate system to write (default wgs84)",
        )
        parser.add_argument(
            # "--print" sorts first, so call_command(stdout=…) keeps meaning the output stream
            "--stdout",
            "--print",
            action="store_true",
            dest="to_stdout",
            help="write one layer to standard output",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        layers = options["layers"] or list(LAYERS)
        crs = options["crs"]
        if options["to_stdout"]:
            if len(layers) != 1 or options["directory"]:
                raise CommandError(_("--stdout writes exactly one layer: pass one --layer and no DIR"))
            self.stdout.write(dump_collection(export_layer(layers[0], crs=crs)), ending="")
            return
        if not options["directory"]:
            raise CommandError(_("give a directory to write to, or --stdout with one --layer"))
        directory = Path(options["directory"])
        directory.mkdir(parents=True, exist_ok=True)
        for layer in dict.fromkeys(layers):
            collection = export_layer(layer, crs=crs)
            path = directory / f"{layer}.geojson"
            path.write_text(dump_collection(collection), encoding="utf-8")
            self.stdout.write(
                _("%(layer)s: %(n)d features → %(path)s")
                % {"layer": layer, "n": len(collection["features"]), "path": path}
            )
