"""The browser harness itself: Debian's chromium renders the live server's admin login in Chinese."""

from __future__ import annotations

import pytest

from chengguan.core.browser import screenshot

pytestmark = pytest.mark.browser


def test_admin_login_page_renders_in_chinese(browser_page: object) -> None:
    page = browser_page
    page.goto("/admin/login/")
    assert "登录" in page.content()
    assert screenshot(page, "admin-login").stat().st_size > 1000
