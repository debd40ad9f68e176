"""Real files built in memory for the evidence tests."""

from __future__ import annotations

import io
import os
import struct
import wave
import zipfile

from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

# a point in the tiny test city (海曙区), and 2 km due north of it
SITE_LON, SITE_LAT = 121.54, 29.87
TWO_KM_NORTH_LAT = SITE_LAT + 2000 / 111_195


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4)


def jpeg(
    *,
    taken: str | None = "2024:05:01 10:00:00",
    offset: str | None = None,
    lon: float | None = SITE_LON,
    lat: float | None = SITE_LAT,
    color: str = "red",
    lat_rational: tuple[int, int] | None = None,
) -> bytes:
    """A small JPEG with EXIF DateTimeOriginal (city time unless ``offset``) and a GPS position."""
    exif = Image.Exif()
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    if taken is not None:
        sub[ExifTags.Base.DateTimeOriginal] = taken
    if offset is not None:
        sub[ExifTags.Base.OffsetTimeOriginal] = offset
    if lon is not None and lat is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = (
            (IFDRational(*lat_rational), IFDRational(0, 1), IFDRational(0, 1))
            if lat_rational
            else _dms(abs(lat))
        )
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = _dms(abs(lon))
    buf = io.BytesIO()
    Image.new("RGB", (16, 12), color).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def jpeg_with_raw_exif(payload: bytes) -> bytes:
    """A decodable JPEG whose APP1 EXIF segment holds ``payload`` after the "Exif" marker."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "JPEG")
    plain = buf.getvalue()
    segment = b"Exif\x00\x00" + payload
    app1 = b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment
    return plain[:2] + app1 + plain[2:]


def png(size: tuple[int, int] = (4, 4), *, noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, "green")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def pdf(padding: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return body + b"%" * padding


def wav(seconds: float = 0.1) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buf.getvalue()


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not evidence")
    return buf.getvalue()


def iso_bmff(major: str, *compatible: str) -> bytes:
    """The ``ftyp`` box that opens MP4, MOV, M4A and HEIC files, plus filler."""
    body = major.encode() + b"\0\0\0\0" + b"".join(brand.encode() for brand in compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\0" * 256


WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
