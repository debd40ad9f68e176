"""Date and time on the wire: UTC with ``Z`` out, any ISO 8601 form in.

Accepted in: ``2026-11-23T09:00:00+08:00``, ``2026-11-23T01:00:00Z``, fractions of a second, the
basic form ``20261123T010000Z``, a space instead of ``T``, and a bare date (the start of that day).
A time without a zone is read in the city's zone (``CITY_TIME_ZONE``), as a person there means it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from chengguan.core.clock import city_zone
from chengguan.open311.errors import Open311Error


def format_datetime(value: dt.datetime | None) -> str | None:
    """``2026-11-23T01:00:00Z`` (whole seconds, UTC); None stays None."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is not None:
        return moment
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is not None:
        return dt.datetime.combine(day, dt.time(0))
    return None


def parse_datetime_arg(name: str, value: str | None) -> dt.datetime | None:
    """The aware moment in argument ``name``; None when absent or empty; 400 naming it when junk."""
    text = (value or "").strip()
    if not text:
        return None
    moment = _parse(text.replace(" ", "T", 1) if "T" not in text and len(text) > 10 else text)
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s: %(value)r is not a date and time (ISO 8601, e.g. 2026-11-23T09:00:00+08:00).")
            % {"name": name, "value": text[:64]},
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=city_zone())
    return moment
