"""The demo's API key files requests, and seeding twice keeps one key."""

from __future__ import annotations

from chengguan.core.testing import TinyCity
from chengguan.open311.demo import DEMO_KEY, seed_demo
from chengguan.open311.models import ApiKey
from chengguan.open311.tests.conftest import Open311Client, report


def test_the_demo_key_is_seeded_once_and_works(tiny_city: TinyCity, o311: Open311Client) -> None:
    key = seed_demo()
    seed_demo()

    answer = o311.post("json", report(key))

    assert ApiKey.objects.filter(key=DEMO_KEY).count() == 1
    assert answer.status == 200
