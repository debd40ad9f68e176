"""A citizen reports a problem on the portal: category, place, photos, description, optional contact.

Bad input gets a form error naming the problem (never a 500, never a half-written case); anonymous
submissions are rate-limited per address.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from chengguan.cases.models import Case, Source
from chengguan.core.testing import TinyCity
from chengguan.evidence.models import Evidence
from chengguan.portal.models import CitizenReport
from chengguan.portal.services import is_reporter
from chengguan.portal.tests.conftest import OUTSIDE, STREET_VENDING, WEST, jpeg

pytestmark = pytest.mark.django_db


def form(**overrides: Any) -> dict[str, Any]:
    body = {
        "category": STREET_VENDING,
        "lon": WEST[0],
        "lat": WEST[1],
        "address": "中山东路 1 号",
        "description": "人行道上有水果摊",
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
        "reporter_email": "zhang@example.org",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_the_report_page_offers_the_catalog_and_a_map(client: Client, tiny_city: TinyCity) -> None:
    response = client.get("/en/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{STREET_VENDING}"' in html
    assert "geo/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "use-location" in html
    # the page works offline: nothing is loaded from another host (the CSRF token is random, so the
    # check looks at the attributes that load things, not at any substring of the page)
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)


def test_an_anonymous_report_becomes_a_citizen_case_with_a_tracking_number(
    client: Client, tiny_city: TinyCity
) -> None:
    # when an anonymous visitor sends a report with two photos
    response = client.post("/en/report/", {**form(), "photos": [jpeg(), jpeg("red")]})

    # then a case exists (source citizen, no account) and the receipt shows its number and a code
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/report/{case.number}/receipt/"
    assert case.source == Source.CITIZEN
    assert case.reporter_id is None
    assert case.reporter_phone == "13812345678"
    assert Evidence.objects.filter(owner_type="cases.case", owner_id=str(case.pk)).count() == 2
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert case.number in html
    code = html.split('id="access-code">')[1].split("<")[0]
    assert is_reporter(case, actor=None, code=code)
    assert CitizenReport.objects.filter(case=case).count() == 1


def test_a_signed_in_citizen_is_the_reporter(client: Client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["citizen"])
    client.post("/en/report/", form(reporter_phone="", reporter_email=""))
    assert Case.objects.get().reporter == tiny_city.users["citizen"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lon": None, "lat": None}, "Pick the place on the map or use your location."),
        ({"category": "event:9999"}, "Select a valid choice"),
        ({"reporter_email": "not-an-address"}, "Enter a valid email address."),
        ({"description": "x" * 4001}, "at most 4000 characters"),
        ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "outside"),
    ],
)
def test_bad_input_gets_a_form_error_and_writes_nothing(
    client: Client, tiny_city: TinyCity, overrides: dict[str, Any], message: str
) -> None:
    response = client.post("/en/report/", form(**overrides))
    assert 400 <= response.status_code < 500
    assert message.lower() in response.content.decode().lower()
    assert not Case.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client: Client, tiny_city: TinyCity) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("note.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post("/en/report/", {**form(), "photos": [text]})
    assert response.status_code == 400
    assert "valid image" in response.content.decode()
    assert not Case.objects.exists()


@override_settings(PORTAL_MAX_PHOTOS=2)
def test_too_many_photos_are_refused(client: Client, tiny_city: TinyCity) -> None:
    response = client.post("/en/report/", {**form(), "photos": [jpeg(), jpeg(), jpeg()]})
    assert response.status_code == 400
    assert "At most 2 photos per report." in response.content.decode()
    assert not Case.objects.exists()


@override_settings(PORTAL_PHOTO_MAX_MB=1)
def test_a_photo_too_large_is_refused(client: Client, tiny_city: TinyCity) -> None:
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile(
        "big.jpg", jpeg().read() + os.urandom(1024 * 1024 + 10), content_type="image/jpeg"
    )
    response = client.post("/en/report/", {**form(), "photos": [big]})
    assert response.status_code == 400
    assert "too large: at most 1 MB" in response.content.decode()
    assert not Case.objects.exists()


@override_settings(PORTAL_RATE_LIMITS={"report": "2/hour"})
def test_anonymous_reports_are_rate_limited_per_address(client: Client, tiny_city: TinyCity) -> None:
    # given two reports from one address
    for _ in range(2):
        assert client.post("/en/report/", form(), REMOTE_ADDR="10.0.0.1").status_code == 302

    # when a third comes from it
    response = client.post("/en/report/", form(), REMOTE_ADDR="10.0.0.1")

    # then it is refused with a clear message, while another address may still report
    assert response.status_code == 429
    assert "Too many submissions from your address" in response.content.decode()
    assert Case.objects.count() == 2
    assert client.post("/en/report/", form(), REMOTE_ADDR="10.0.0.2").status_code == 302
