"""A citizen in Debian's chromium (phone-sized) reports a problem on the portal with a photo and the
phone's position, gets a tracking number, follows the case while staff register, dispatch, handle and
close it through the REST API (token authentication as the tiny city's users), and rates the result.
Every portal page visited is saved as a screenshot."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from rest_framework.test import APIClient

from chengguan.cases.models import Case, CaseState, Source
from chengguan.core.browser import screenshot
from chengguan.core.testing import TinyCity
from chengguan.portal.models import Rating
from chengguan.portal.tests.conftest import STREET_VENDING, WEST

pytestmark = pytest.mark.browser


def photo_file(color: str) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, format="JPEG")
    return {"name": "problem.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def api_as(username: str) -> APIClient:
    """An API client with the DRF token of a tiny-city user, obtained through the API itself."""
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": "pw-" + username})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION="Token " + response.json()["token"])
    return client


def step(
    username: str, case_id: int, action: str, body: dict[str, Any], multipart: bool = False
) -> dict[str, Any]:
    client = api_as(username)
    version = client.get(f"/api/v1/cases/{case_id}/").json()["version"]
    response = client.post(
        f"/api/v1/cases/{case_id}/{action}/",
        {"version": version, **body},
        format="multipart" if multipart else "json",
    )
    assert response.status_code == 200, (action, response.content)
    return response.json()


def jpeg_upload() -> Any:
    from chengguan.portal.tests.conftest import jpeg

    return jpeg("green")


def test_a_citizen_reports_follows_and_rates_a_case(
    browser_page: Any, live_city: TinyCity, live_server: Any
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"longitude": WEST[0], "latitude": WEST[1], "accuracy": 10})

    # the home page, in Chinese
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "portal-home")

    # 1. the citizen reports: category, the phone's position, a photo, a description, a phone number
    page.goto("/report/")
    page.wait_for_function(
        "window.L !== undefined && document.querySelector('#pick-map .leaflet-pane') !== null"
    )
    page.select_option("#id_category", STREET_VENDING)
    page.click("#use-location")
    page.wait_for_function("document.getElementById('id_lon').value !== ''")
    page.set_input_files("#id_photos", [photo_file("red")])
    page.fill("#id_description", "人行道上有水果摊，占了半条路")
    page.fill("#id_reporter_phone", "13812345678")
    screenshot(page, "portal-report")
    page.click("#submit-report")
    page.wait_for_url("**/receipt/")
    screenshot(page, "portal-receipt")
    number = page.inner_text("#tracking-number")
    code = page.inner_text("#access-code")
    case = Case.objects.get(number=number)
    assert case.source == Source.CITIZEN and case.state == CaseState.REPORTED
    assert abs(case.lon - WEST[0]) < 1e-5 and abs(case.lat - WEST[1]) < 1e-5
    assert len(code) == 8

    # 2. staff register and dispatch it through the API; the citizen sees it on the status page
    step("operator", case.pk, "register", {})
    step("dispatcher", case.pk, "dispatch", {})
    page.click("section.card a.button.primary")
    page.wait_for_url(f"**/cases/{number}/")
    assert page.locator("#timeline li.step-registered").count() == 1
    assert page.locator("#timeline li.step-dispatched").count() == 1
    assert "13812345678" not in page.content()
    screenshot(page, "portal-case-dispatched")

    # 3. the squadron handles it and the inspector closes it, through the API
    step("officer", case.pk, "accept", {})
    step("officer", case.pk, "report-back", {"note": "摊位已劝离", "files": [jpeg_upload()]}, multipart=True)
    step("inspector", case.pk, "verify", {"passed": True})
    page.reload()
    assert page.locator("#case-state").get_attribute("class") == "state state-closed"
    assert page.locator("#timeline li.step-closed").count() == 1
    screenshot(page, "portal-case-closed")

    # 4. the citizen rates the result
    page.check("#rate input[name=score][value='5']")
    page.fill("#rate textarea[name=comment]", "处理很快，谢谢")
    screenshot(page, "portal-rate")
    page.click("#send-rating")
    page.wait_for_selector("#your-rating")
    screenshot(page, "portal-rated")
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.comment, rating.reopened) == (5, "处理很快，谢谢", False)

    # the public pages, in English this time
    for path, name in (
        ("/en/closed/", "portal-closed-cases"),
        ("/en/publications/", "portal-publications"),
        ("/en/laws/", "portal-laws"),
        ("/en/petitions/new/?kind=complaint", "portal-complaint"),
        (f"/en/track/?number={number}", "portal-track"),
    ):
        page.goto(path)
        screenshot(page, name)
    page.goto("/en/vending/")
    page.wait_for_selector("#zones-map path.leaflet-interactive")
    screenshot(page, "portal-vending")
    assert number in page.goto("/en/closed/").text()
