"""Abuse protection of POST requests: per client address and per API key, 429 with Retry-After."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from chengguan.cases.models import Case
from chengguan.cases.tests.builders import MONDAY
from chengguan.core.testing import TinyCity
from chengguan.open311.models import ApiKey, RateCounter
from chengguan.open311.tests.conftest import FORMATS, Open311Client, check_errors, report


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.OPEN311_RATE_WINDOW_S = 3600
    settings.OPEN311_ADDRESS_RATE = 2
    settings.OPEN311_KEY_RATE = 3
    return settings


@pytest.mark.parametrize("fmt", FORMATS)
@time_machine.travel(MONDAY, tick=False)
def test_an_address_that_posts_too_often_gets_429(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any, fmt: str
) -> None:
    for _ in range(2):
        assert o311.post(fmt, report(api_key)).status == 200

    answer = o311.post(fmt, report(api_key), query="locale=en")

    check_errors(answer, 429)
    assert answer.data[0]["description"].startswith("Too many requests from your address")
    assert answer.headers["Retry-After"] == "3600"
    assert Case.objects.count() == 2


@time_machine.travel(MONDAY, tick=False)
def test_another_address_is_not_held_up(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any
) -> None:
    for _ in range(2):
        o311.post("json", report(api_key))

    answer = o311.post("json", report(api_key), REMOTE_ADDR="10.0.0.9")

    assert answer.status == 200


def test_the_limit_starts_again_in_the_next_window(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any
) -> None:
    with time_machine.travel(MONDAY + dt.timedelta(minutes=50), tick=False):
        for _ in range(2):
            o311.post("json", report(api_key))
        blocked = o311.post("json", report(api_key))
    with time_machine.travel(MONDAY + dt.timedelta(minutes=61), tick=False):
        again = o311.post("json", report(api_key))

    assert blocked.status == 429
    assert blocked.headers["Retry-After"] == "600"
    assert again.status == 200
    # the expired window's counter is gone
    assert RateCounter.objects.filter(scope="address").count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
@time_machine.travel(MONDAY, tick=False)
def test_a_key_that_posts_too_often_gets_429_from_any_address(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any, fmt: str
) -> None:
    for n in range(3):
        assert o311.post(fmt, report(api_key), REMOTE_ADDR=f"10.0.0.{n}").status == 200

    answer = o311.post(fmt, report(api_key), query="locale=en", REMOTE_ADDR="10.0.0.99")

    check_errors(answer, 429)
    assert answer.data[0]["description"].startswith("Too many requests with this api_key")
    assert Case.objects.count() == 3


@time_machine.travel(MONDAY, tick=False)
def test_a_keys_own_limit_overrides_the_default(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any
) -> None:
    api_key.rate_limit = 1
    api_key.save()

    first = o311.post("json", report(api_key), REMOTE_ADDR="10.0.0.1")
    second = o311.post("json", report(api_key), REMOTE_ADDR="10.0.0.2")

    assert first.status == 200
    check_errors(second, 429)


@time_machine.travel(MONDAY, tick=False)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any
) -> None:
    limits.OPEN311_NUM_PROXIES = 1
    for _ in range(2):
        o311.post("json", report(api_key), HTTP_X_FORWARDED_FOR="203.0.113.5")

    blocked = o311.post("json", report(api_key), HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = o311.post("json", report(api_key), HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.6")

    assert blocked.status == 429
    assert other.status == 200


@time_machine.travel(MONDAY, tick=False)
def test_reading_is_not_counted(
    tiny_city: TinyCity, o311: Open311Client, api_key: ApiKey, limits: Any
) -> None:
    for _ in range(5):
        assert o311.get("requests", "json").status == 200

    assert o311.post("json", report(api_key)).status == 200
