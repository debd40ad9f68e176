"""Moments in the city's zone, written the way people say them."""

from __future__ import annotations

import datetime as dt

from chengguan.core.clock import city_zone


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=city_zone())
