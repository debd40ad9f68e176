"""When a vending zone is open: its hours in the city's time zone, evenings past midnight included."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import box

from chengguan.core.clock import city_zone
from chengguan.geo.locate import ZoneRecord, zone_is_open

TZ = city_zone()
# 2026-03-06 is a Friday, 2026-03-07 a Saturday.
FRIDAY_NIGHT_MARKET = ZoneRecord("Z", "周五夜市", box(0, 0, 1, 1), dt.time(22), dt.time(2), weekdays="5")
WEEKDAY_MORNING = ZoneRecord("M", "早市", box(0, 0, 1, 1), dt.time(6), dt.time(9), weekdays="12345")


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (dt.datetime(2026, 3, 6, 21, 59, tzinfo=TZ), False),
        (dt.datetime(2026, 3, 6, 22, 0, tzinfo=TZ), True),
        (dt.datetime(2026, 3, 7, 1, 30, tzinfo=TZ), True),  # Saturday small hours belong to Friday
        (dt.datetime(2026, 3, 7, 2, 0, tzinfo=TZ), False),
        (dt.datetime(2026, 3, 6, 1, 30, tzinfo=TZ), False),  # Friday small hours belong to Thursday
        (dt.datetime(2026, 3, 7, 22, 30, tzinfo=TZ), False),  # Saturday evening
        (dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC), True),  # 23:00 in Shanghai
    ],
)
def test_a_zone_open_past_midnight_counts_the_small_hours_to_the_evening_before(
    moment: dt.datetime, is_open: bool
) -> None:
    assert zone_is_open(FRIDAY_NIGHT_MARKET, moment) is is_open


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (dt.datetime(2026, 3, 6, 6, 0, tzinfo=TZ), True),
        (dt.datetime(2026, 3, 6, 9, 0, tzinfo=TZ), False),
        (dt.datetime(2026, 3, 7, 7, 0, tzinfo=TZ), False),  # Saturday
    ],
)
def test_a_daytime_zone_is_open_from_its_opening_until_its_closing_on_its_weekdays(
    moment: dt.datetime, is_open: bool
) -> None:
    assert zone_is_open(WEEKDAY_MORNING, moment) is is_open


def test_an_inactive_zone_is_never_open() -> None:
    closed_down = ZoneRecord("X", "x", box(0, 0, 1, 1), dt.time(0), dt.time(23, 59), is_active=False)

    assert zone_is_open(closed_down, dt.datetime(2026, 3, 6, 12, tzinfo=TZ)) is False
