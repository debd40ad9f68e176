"""Each role sees only its territory's cases, in every list and map: proved for the outsider."""

from __future__ import annotations

import json

import pytest

from chengguan.cases.models import Case
from chengguan.cases.tests.builders import EAST, STREET_VENDING, WEST, dispatched, reported
from chengguan.core.testing import TinyCity
from chengguan.staff.tests.helpers import client_for, url


@pytest.fixture
def two_cases(tiny_city: TinyCity) -> tuple[Case, Case]:
    west = dispatched(tiny_city, at=WEST, category=STREET_VENDING, address="west-street-1")
    east = dispatched(tiny_city, at=EAST, category=STREET_VENDING, address="east-street-9")
    assert west.assigned_unit == tiny_city.units["west"] and east.assigned_unit == tiny_city.units["east"]
    return west, east


def test_outsider_lists_and_maps_show_only_the_east(
    tiny_city: TinyCity, two_cases: tuple[Case, Case]
) -> None:
    west, east = two_cases
    outsider = client_for(tiny_city, "outsider")
    for page in (url("staff:unit"), url("staff:cases"), url("staff:cases") + "?scope=open"):
        html = outsider.get(page).content.decode()
        assert east.number in html, page
        assert west.number not in html, page
    for scope in ("open", "queue", "overdue"):
        Case.objects.update(current_due="2020-01-01T00:00Z")
        markers = json.loads(outsider.get(url("staff:map_cases") + f"?scope={scope}").content)["cases"]
        assert west.pk not in {m["id"] for m in markers}, scope
    markers = json.loads(outsider.get(url("staff:map_cases")).content)["cases"]
    assert {m["id"] for m in markers} == {east.pk}
    grids = json.loads(outsider.get(url("staff:map_grids")).content)["features"]
    assert grids and all(f["properties"]["code"].startswith("330212") for f in grids)


def test_outsider_cannot_open_or_act_on_a_west_case(
    tiny_city: TinyCity, two_cases: tuple[Case, Case]
) -> None:
    west, _east = two_cases
    outsider = client_for(tiny_city, "outsider")
    assert outsider.get(url("staff:case", west.pk)).status_code == 403
    assert (
        outsider.post(url("staff:case_action", west.pk), {"action": "accept", "version": 1}).status_code
        == 403
    )
    assert outsider.get(url("staff:case", west.pk + 1000)).status_code == 404


def test_outsider_sees_no_west_photo(tiny_city: TinyCity) -> None:
    from chengguan.cases.tests.builders import photo

    case = reported(tiny_city, at=WEST, files=[photo()])
    evidence_id = int(case.events.get(action="reported").payload["evidence"][0])
    assert (
        client_for(tiny_city, "operator").get(url("staff:evidence", case.pk, evidence_id)).status_code == 200
    )
    assert (
        client_for(tiny_city, "outsider").get(url("staff:evidence", case.pk, evidence_id)).status_code == 403
    )


def test_west_squadron_does_not_see_the_east_case(tiny_city: TinyCity, two_cases: tuple[Case, Case]) -> None:
    west, east = two_cases
    html = client_for(tiny_city, "squadron_leader").get(url("staff:unit")).content.decode()
    assert west.number in html and east.number not in html
    dashboard = client_for(tiny_city, "squadron_leader").get(url("staff:dashboard"))
    assert dashboard.context["counts"]["open"] == 1


def test_the_leader_sees_both(tiny_city: TinyCity, two_cases: tuple[Case, Case]) -> None:
    west, east = two_cases
    html = client_for(tiny_city, "leader").get(url("staff:cases")).content.decode()
    assert west.number in html and east.number in html
    assert client_for(tiny_city, "leader").get(url("staff:dashboard")).context["counts"]["open"] == 2
