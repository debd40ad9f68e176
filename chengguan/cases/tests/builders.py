"""Builders shared by the case tests: points of the tiny city, photos, and cases at each step.

Points (core/testing.py):

* ``WEST``: grid 330203001001001, west squadron CG-SQ1, inspector ``inspector``; no beat road near;
* ``ON_BEAT``: 10 m from road beat B1 (officer ``officer``), grid 330203001001003;
* ``EAST``: grid 330212001001004, east squadron CG-SQ2 (the ``outsider``'s);
* ``OUTSIDE``: in the sea, no grid.

``MONDAY`` is Monday 23 November 2026, 09:00 in the city (an ordinary working day).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chengguan.cases import workflow
from chengguan.cases.intake import IntakeResult, submit_report
from chengguan.cases.models import Case
from chengguan.core.testing import TinyCity

CITY = ZoneInfo("Asia/Shanghai")
WEST = (121.535, 29.875)
WEST_GRID = "330203001001001"
ON_BEAT = (121.535, 29.8699)
EAST = (121.565, 29.865)
OUTSIDE = (122.5, 29.5)
MANHOLE = "component:0102"  # 污水井盖 → the water department
STREET_VENDING = "event:0504"  # 占道经营 → the squadron of the place
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=CITY)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def photo(name: str = "after.jpg", color: str = "green") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def text_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("note.txt", b"just text, not a photo", content_type="text/plain")


def submit(city: TinyCity, *, by: str | None = "inspector", **kw: Any) -> IntakeResult:
    lon, lat = kw.pop("at", WEST)
    kw.setdefault("source", "inspector")
    kw.setdefault("category", MANHOLE)
    return submit_report(actor=city.users[by] if by else None, lon=lon, lat=lat, **kw)


def reported(city: TinyCity, **kw: Any) -> Case:
    return submit(city, **kw).case


def registered(city: TinyCity, **kw: Any) -> Case:
    case = reported(city, **kw)
    return workflow.register(case.pk, actor=city.users["operator"], version=case.version)


def dispatched(city: TinyCity, **kw: Any) -> Case:
    case = registered(city, **kw)
    return workflow.dispatch(case.pk, actor=city.users["dispatcher"], version=case.version)


def handler_of(city: TinyCity, case: Case) -> Any:
    """A member of the case's assigned unit."""
    return (
        city.users["department"] if case.assigned_unit_id == city.units["water"].pk else city.users["officer"]
    )


def accepted(city: TinyCity, **kw: Any) -> Case:
    case = dispatched(city, **kw)
    return workflow.accept(case.pk, actor=handler_of(city, case), version=case.version)


def handled(city: TinyCity, **kw: Any) -> Case:
    case = accepted(city, **kw)
    return workflow.report_back(
        case.pk, actor=handler_of(city, case), version=case.version, note="换了新井盖", files=[photo()]
    )


def closed(city: TinyCity, **kw: Any) -> Case:
    case = handled(city, **kw)
    return workflow.verify(case.pk, actor=city.users["inspector"], version=case.version, passed=True)


def suspended(city: TinyCity, **kw: Any) -> Case:
    case = accepted(city, **kw)
    return workflow.suspend(case.pk, actor=city.users["dispatcher"], version=case.version, reason="等待施工")
