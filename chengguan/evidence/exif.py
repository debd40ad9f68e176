"""Capture time and place from a photo's EXIF, read with Pillow, never failing on malformed data.

* Time: ``DateTimeOriginal`` with ``OffsetTimeOriginal`` when present; without an offset the camera's
  local time is taken to be the city's (``CITY_TIME_ZONE``).
* Place: the GPS IFD in decimal degrees. EXIF GPS is what the receiver reported, i.e. WGS84; a point
  at exactly (0, 0) is what phones write without a fix, and is treated as absent.
* HEIC needs a Pillow plug-in that is not installed: HEIC photos are stored without capture data.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass
from typing import IO, Any

from PIL import ExifTags, Image

from chengguan.core.clock import city_zone

log = logging.getLogger(__name__)

_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_TIME_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Capture:
    at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if not isinstance(value, str):
        return None
    return value.strip().strip("\x00").strip() or None


def parse_exif_time(value: Any, offset: Any = None) -> dt.datetime | None:
    """Aware datetime from EXIF ``DateTimeOriginal`` (+ ``OffsetTimeOriginal``), or None."""
    text = _text(value)
    if text is None:
        return None
    text = text[:19]
    for fmt in _TIME_FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 (the zone is attached below)
            break
        except ValueError:
            continue
    else:
        return None
    zone: dt.tzinfo = city_zone()
    match = _OFFSET.match(_text(offset) or "")
    if match:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        if delta <= dt.timedelta(hours=14):
            zone = dt.timezone(-delta if sign == "-" else delta)
    return naive.replace(tzinfo=zone)


def _degrees(value: Any, ref: Any, negative_ref: str, limit: float) -> float | None:
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    parts = [float(part) for part in value]
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    degrees = sum(part / 60**i for i, part in enumerate(parts))
    if degrees > limit:
        return None
    if (_text(ref) or "").upper().startswith(negative_ref):
        degrees = -degrees
    return degrees


def parse_exif_gps(gps: Any) -> tuple[float | None, float | None]:
    """(lon, lat) in decimal degrees from an EXIF GPS IFD mapping, or (None, None)."""
    if not gps:
        return None, None
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S", 90.0)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W", 180.0)
    if lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return None, None
    return lon, lat


def read_capture(fileobj: IO[bytes]) -> Capture:
    """Capture time and place of a photo; an empty ``Capture`` when absent or unreadable."""
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            exif = image.getexif()
            sub = exif.get_ifd(ExifTags.IFD.Exif)
            at = parse_exif_time(
                sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTimeOriginal),
                sub.get(ExifTags.Base.OffsetTimeOriginal),
            )
            try:
                lon, lat = parse_exif_gps(exif.get_ifd(ExifTags.IFD.GPSInfo))
            except Exception:  # a bad GPS block must not lose a good time
                log.info("unreadable EXIF GPS", exc_info=True)
                lon = lat = None
            return Capture(at=at, lon=lon, lat=lat)
    except Exception:  # Pillow raises many kinds of errors on damaged files; none must stop an upload
        log.info("unreadable EXIF", exc_info=True)
        return Capture()
    finally:
        fileobj.seek(0)
