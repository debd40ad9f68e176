"""A vending report inside an open vending zone is flagged as permitted, not as a violation."""

from __future__ import annotations

import time_machine

from chengguan.cases.intake import submit_report
from chengguan.cases.tests.builders import local
from chengguan.core.testing import TinyCity


def _report_in_the_night_market(city: TinyCity, category: str = "event:0504") -> str:
    point = city.zone.geometry.representative_point()
    case = submit_report(
        actor=city.users["inspector"],
        source="inspector",
        category=category,
        lon=point.x,
        lat=point.y,
    ).case
    return case.permitted_zone_code


def test_a_stall_in_the_night_market_while_it_is_open_is_permitted(tiny_city: TinyCity) -> None:
    with time_machine.travel(local(2026, 11, 23, 20, 0), tick=False):
        assert _report_in_the_night_market(tiny_city) == tiny_city.zone.code


def test_the_same_stall_in_the_morning_is_not(tiny_city: TinyCity) -> None:
    with time_machine.travel(local(2026, 11, 23, 9, 0), tick=False):
        assert _report_in_the_night_market(tiny_city) == ""


def test_a_broken_manhole_in_the_market_is_no_vending_matter(tiny_city: TinyCity) -> None:
    with time_machine.travel(local(2026, 11, 23, 20, 0), tick=False):
        assert _report_in_the_night_market(tiny_city, category="component:0101") == ""
