"""A whole case in Debian's chromium, through the staff pages only, with a screenshot of each page.

inspector reports (camera photo input + the browser's position) → operator registers → dispatcher
dispatches → the squadron accepts and reports back with an after-photo → the inspector verifies →
the case is closed, and the leader's dashboard counts it.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from chengguan.cases.models import Case, CaseState
from chengguan.cases.tests.builders import WEST
from chengguan.core.browser import screenshot
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.browser


def jpeg(name: str, color: str) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def sign_in(page: Any, username: str) -> None:
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("form[action$='/staff/login/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/staff/login/" not in page.url, page.content()[:2000]


def sign_out(page: Any) -> None:
    page.click("form[action$='/logout/'] button[type=submit]")
    page.wait_for_load_state()


def click_action(page: Any, action: str) -> None:
    page.click(f"form:has(input[name=action][value={action}]) button[type=submit]")
    page.wait_for_load_state()


def test_full_case_in_the_browser(browser_page: Any, browser_city: TinyCity, live_server: Any) -> None:
    page = browser_page
    page.goto("/staff/login/")
    screenshot(page, "staff-login")

    # 1. the inspector reports with a camera photo and the phone's position
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"longitude": WEST[0], "latitude": WEST[1], "accuracy": 10})
    sign_in(page, "inspector")
    page.goto("/staff/field/report/")
    page.wait_for_function("document.getElementById('r-lon').value !== ''")
    page.set_input_files("#r-photos", [jpeg("before.jpg", "red")])
    page.select_option(
        "#r-category", label=page.locator("#r-category option", has_text="0504").first.inner_text()
    )
    page.fill("#r-description", "人行道上有流动摊贩")
    screenshot(page, "staff-report")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/field/report/*/")
    screenshot(page, "staff-report-done")
    case = Case.objects.get()
    assert case.state == CaseState.REPORTED and abs(case.lon - WEST[0]) < 1e-5
    page.goto(f"/staff/cases/{case.pk}/")
    assert page.locator(".photos img").count() == 1
    page.goto("/staff/field/patrol/")
    screenshot(page, "staff-patrol")
    page.goto("/staff/field/coverage/")
    screenshot(page, "staff-coverage")
    sign_out(page)

    # 2. the operator registers it from the console queue (one click)
    sign_in(page, "operator")
    assert "/staff/console/" in page.url
    page.wait_for_selector(f"text={case.number}")
    page.wait_for_selector("#console-map .leaflet-interactive")
    screenshot(page, "staff-console")
    click_action(page, "register")
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    sign_out(page)

    # 3. the dispatcher dispatches it to the suggested squadron (the second click)
    sign_in(page, "dispatcher")
    click_action(page, "dispatch")
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.assigned_unit == browser_city.units["west"]
    screenshot(page, "staff-console-dispatched")
    page.goto("/staff/overdue/")
    screenshot(page, "staff-overdue")
    page.goto("/staff/cases/?scope=open")
    screenshot(page, "staff-search")
    sign_out(page)

    # 4. the squadron accepts it and reports back with an after-photo
    sign_in(page, "officer")
    assert "/staff/unit/" in page.url
    screenshot(page, "staff-unit-work")
    click_action(page, "accept")
    page.goto(f"/staff/cases/{case.pk}/")
    page.set_input_files("#report_back-files", [jpeg("after.jpg", "green")])
    page.fill("#report_back-note", "摊贩已劝离，路面已清理")
    screenshot(page, "staff-case-report-back")
    click_action(page, "report_back")
    case.refresh_from_db()
    assert case.state == CaseState.HANDLED
    sign_out(page)

    sign_in(page, "squadron_leader")
    page.goto("/staff/unit/beats/")
    screenshot(page, "staff-beats")
    sign_out(page)

    # 5. the inspector verifies on site and the case closes
    sign_in(page, "inspector")
    assert "/staff/field/checks/" in page.url
    page.wait_for_selector(f"text={case.number}")
    screenshot(page, "staff-checks")
    page.click(f"a[href$='/staff/cases/{case.pk}/#next-steps']")
    page.set_input_files("#verify-files", [jpeg("check.jpg", "blue")])
    click_action(page, "verify")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    screenshot(page, "staff-case-closed")
    assert page.locator(".photos img").count() == 3
    sign_out(page)

    # 6. the leader's dashboard shows it
    sign_in(page, "leader")
    page.goto("/staff/dashboard/")
    assert page.inner_text("[data-count=closed_today]") == "1"
    assert page.inner_text("[data-count=reported_today]") == "1"
    assert page.locator("svg.chart").count() == 2
    screenshot(page, "staff-dashboard")
    page.goto("/en/staff/dashboard/")
    assert "closed today" in page.inner_text("main")
    screenshot(page, "staff-dashboard-en")


def test_report_with_the_position_denied_uses_the_map_pick(browser_page: Any, browser_city: TinyCity) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    sign_in(page, "inspector")
    page.goto("/staff/field/report/")
    page.wait_for_selector("#pick-map.leaflet-container")
    page.wait_for_function("document.getElementById('geo-status').textContent.length > 0")
    page.select_option("#r-category", index=1)
    # tap the middle of the map, which the city's extent fills
    box = page.locator("#pick-map").bounding_box()
    page.locator("#pick-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert page.input_value("#r-lon") != ""
    screenshot(page, "staff-report-phone-picked")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/field/report/*/")
    case = Case.objects.get()
    assert 121.53 < case.lon < 121.57 and 29.86 < case.lat < 29.88
