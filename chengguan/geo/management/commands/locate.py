"""``chengguan locate LON LAT``: who is responsible for a point."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from chengguan.core.clock import city_zone
from chengguan.core.errors import ChengguanError
from chengguan.geo.locate import Location, locate


def _parse_moment(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--at must be an ISO 8601 date and time, got %(value)r") % {"value": text}, returncode=2
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=city_zone())
    return moment


def _line(label: str, value: Any) -> str:
    if value is None:
        text = "—"
    elif hasattr(value, "code"):
        text = f"{value.code} {value.name}".strip()
    else:
        text = f"{value.name} (#{value.id})"
    return f"{capfirst(label)}: {text}"


def format_location(loc: Location) -> str:
    """Readable lines, labels in the active language."""
    lines = [
        _line(_("unit grid"), loc.grid),
        _line(_("community"), loc.community),
        _line(_("street"), loc.street),
        _line(_("district"), loc.district),
        _line(_("beat"), loc.beat),
        _line(_("squadron"), loc.squadron),
        _line(_("responsible officer"), loc.officer),
        _line(_("vending zone"), loc.vending_zone),
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _("Route a point to its grid, community, street, district, beat, squadron and officer.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lon", help=_("longitude"))
        parser.add_argument("lat", help=_("latitude"))
        parser.add_argument(
            "--crs", default="wgs84", help=_("coordinate system: wgs84 (default), gcj02 or bd09")
        )
        parser.add_argument("--json", action="store_true", help=_("print JSON"))
        parser.add_argument(
            "--at", default=None, help=_("moment for the vending zones' opening hours (ISO 8601)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        at = _parse_moment(options["at"])
        try:
            loc = locate(options["lon"], options["lat"], crs=options["crs"], at=at)
        except ChengguanError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(loc.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_location(loc))
