"""The only sources of "now" and "today": aware, and explicit about the city's time zone."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def city_zone() -> ZoneInfo:
    return _zone(settings.CITY_TIME_ZONE)


def now() -> dt.datetime:
    return timezone.now()


def city_now() -> dt.datetime:
    return timezone.now().astimezone(city_zone())


def city_today() -> dt.date:
    return city_now().date()


def to_city(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("naive datetime: chengguan only works with aware datetimes")
    return moment.astimezone(city_zone())
