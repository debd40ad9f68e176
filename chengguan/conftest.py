"""Fixtures shared by every test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from chengguan.core.memo import clear_all_memos
from chengguan.core.testing import TinyCity, build_tiny_city, in_english  # noqa: F401  (fixture)
from chengguan.geo.locate import invalidate_index
from chengguan.workdays.calendar import clear_calendar_cache


@pytest.fixture
def tiny_city(db: None) -> TinyCity:
    """A two-district city with one actor per role, an outsider officer and a citizen (see core/testing.py)."""
    return build_tiny_city()


@pytest.fixture
def admin_client(client: Any, tiny_city: TinyCity) -> Any:
    """A client logged in as the tiny city's administrator (role admin, not a superuser)."""
    client.force_login(tiny_city.users["admin"])
    return client


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Every test starts with no locate index and no working-day calendar cached in the process,
    and in the default language.

    Tests roll their database back, so version stamps can come round again with other data; the
    per-process caches must not carry one test's territory or holidays into the next.
    """
    invalidate_index()
    clear_calendar_cache()
    clear_all_memos()
    translation.deactivate()  # a request activates its language in the thread; start from Chinese
    yield
    invalidate_index()
    clear_all_memos()
    clear_calendar_cache()
    translation.deactivate()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (one browser for the whole run)."""
    from playwright.sync_api import sync_playwright

    from chengguan.core.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page (own cookies) in a phone-sized-or-larger viewport, Chinese first, on the live server.

    Relative URLs go to the live server: ``browser_page.goto("/staff/")``.
    """
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly costs ~100 ms a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test run counts its rate limits afresh, in memory (a server shares files under var/).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
