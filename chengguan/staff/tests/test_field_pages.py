"""The inspector's report page, the patrol log and its coverage."""

from __future__ import annotations

import json

import pytest

from chengguan.cases.models import Case, CaseState, Source
from chengguan.cases.tests.builders import EAST, OUTSIDE, WEST, photo
from chengguan.catalog.models import Category
from chengguan.core.testing import TinyCity
from chengguan.staff.models import Patrol, PatrolPosition
from chengguan.staff.tests.helpers import client_for, url

pytestmark = pytest.mark.usefixtures("in_english")


def vending() -> Category:
    return Category.objects.get(kind="event", code="0504")


def form(**kw):
    data = {"category": vending().pk, "description": "stall on the pavement", "lon": WEST[0], "lat": WEST[1]}
    data.update(kw)
    return data


def test_a_report_with_photo_and_position_becomes_a_case(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "inspector")
    response = client.post(url("staff:report"), form(key="k1", photos=[photo()]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == CaseState.REPORTED and case.source == Source.INSPECTOR
    assert case.reporter == tiny_city.users["inspector"]
    assert case.suggested_unit == tiny_city.units["west"]
    assert case.events.get(action="reported").payload["evidence"]
    assert case.number in client.get(response["Location"]).content.decode()


def test_a_double_submission_stores_one_case(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "inspector")
    client.post(url("staff:report"), form(key="same"))
    client.post(url("staff:report"), form(key="same"))
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        ({"lon": "", "lat": ""}, "lon", 400),
        ({"category": ""}, "category", 400),
        ({"lon": "east", "lat": "29.8"}, "lon", 400),
        ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, None, 422),
    ],
)
def test_bad_reports_are_refused_with_the_field(
    tiny_city: TinyCity, data: dict, field: str, status: int
) -> None:
    response = client_for(tiny_city, "inspector").post(url("staff:report"), form(**data))
    assert response.status_code == status
    assert Case.objects.count() == 0
    if field:
        assert f'data-field="{field}"' in response.content.decode()


def test_report_page_has_camera_and_manual_pick(tiny_city: TinyCity) -> None:
    html = client_for(tiny_city, "inspector").get(url("staff:report")).content.decode()
    assert 'accept="image/*" capture="environment"' in html
    assert 'data-staff-map="pick"' in html and 'name="lon"' in html


def test_patrol_start_positions_stop_and_coverage(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "inspector")
    client.post(url("staff:patrol"), {"do": "start"})
    patrol = Patrol.objects.get()
    assert patrol.is_running
    for lon, lat in (WEST, (121.545, 29.875)):
        response = client.post(
            url("staff:patrol_position"),
            json.dumps({"lon": lon, "lat": lat, "accuracy": 8}),
            "application/json",
        )
        assert response.status_code == 201
    assert PatrolPosition.objects.count() == 2
    client.post(url("staff:patrol"), {"do": "stop"})
    patrol.refresh_from_db()
    assert not patrol.is_running
    page = client.get(url("staff:coverage"))
    # two of the inspector's four grids were walked
    assert page.context["coverage"].share_pct == 50
    response = client.post(url("staff:patrol_position"), {"lon": WEST[0], "lat": WEST[1]})
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lon": 200, "lat": 29.8}, "lon"),
        ({"lon": 121.5, "lat": "x"}, "lat"),
        ({"lon": 121.5, "lat": 29.8, "accuracy": 900}, "accuracy"),
    ],
)
def test_bad_positions_are_refused(tiny_city: TinyCity, body: dict, field: str) -> None:
    client = client_for(tiny_city, "inspector")
    client.post(url("staff:patrol"), {"do": "start"})
    response = client.post(url("staff:patrol_position"), json.dumps(body), "application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["field"] == field
    assert PatrolPosition.objects.count() == 0


def test_officer_beat_coverage_counts_the_walked_share_of_the_road(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "officer")
    client.post(url("staff:patrol"), {"do": "start"})
    # walk the western half of beat B1 (121.53 → 121.55 along 29.87)
    # (a position every ~48 m, each covering the road within 30 m)
    for i in range(21):
        client.post(url("staff:patrol_position"), {"lon": 121.53 + i * 0.0005, "lat": 29.87})
    rows = client.get(url("staff:coverage")).context["coverage"].rows
    beat = next(r for r in rows if r.code == "B1")
    assert 0.45 < beat.covered < 0.6


def test_citizens_and_dispatchers_keep_no_patrol_log(tiny_city: TinyCity) -> None:
    for role in ("dispatcher", "citizen"):
        response = client_for(tiny_city, role).post(
            url("staff:patrol_position"), {"lon": EAST[0], "lat": EAST[1]}
        )
        assert response.status_code == 403
    assert PatrolPosition.objects.count() == 0
