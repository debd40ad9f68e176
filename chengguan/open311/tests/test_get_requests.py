"""GET requests and GET requests/{id}: every filter, both formats, the spec's field rules."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.models import Case
from chengguan.cases.tests.builders import MONDAY, handled, local, registered, reported, submit
from chengguan.core.testing import TinyCity
from chengguan.open311.tests.conftest import (
    EAST,
    FORMATS,
    MANHOLE,
    VENDING,
    WEST,
    Open311Client,
    check_errors,
    check_request,
)
from chengguan.org.models import Unit, UnitKind

pytestmark = pytest.mark.usefixtures("tiny_city")


def ids(answer: Any) -> list[str]:
    return [r["service_request_id"] for r in answer.data]


def at(moment: dt.datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def closed(city: TinyCity, **kw: Any) -> Case:
    case = handled(city, **kw)
    return workflow.verify(
        case.pk, actor=city.users["inspector"], version=case.version, passed=True, note="已修复"
    )


def every_state(city: TinyCity) -> dict[str, Case]:
    """One case in each state an Open311 client can meet."""
    cases: dict[str, Case] = {}
    cases["reported"] = reported(city, description="刚上报")
    cases["registered"] = registered(city)
    case = registered(city)
    cases["dispatched"] = workflow.dispatch(case.pk, actor=city.users["dispatcher"], version=case.version)
    cases["handled"] = handled(city)
    cases["closed"] = closed(city)
    case = reported(city)
    cases["rejected"] = workflow.reject(
        case.pk, actor=city.users["operator"], version=case.version, reason="不属于城管职责"
    )
    case = reported(city)
    cases["cancelled"] = workflow.cancel(
        case.pk, actor=city.users["operator"], version=case.version, reason="误报"
    )
    case = reported(city)
    cases["merged"] = workflow.merge(
        case.pk, actor=city.users["operator"], version=case.version, into=cases["registered"].pk
    )
    agency, _ = Unit.objects.get_or_create(code="GA", defaults={"name": "公安分局", "kind": UnitKind.AGENCY})
    case = registered(city)
    cases["transferred"] = workflow.transfer(
        case.pk, actor=city.users["dispatcher"], version=case.version, agency=agency.pk, reason="交警负责"
    )
    return cases


@pytest.fixture
def states(tiny_city: TinyCity) -> dict[str, Case]:
    with at(MONDAY):
        return every_state(tiny_city)


OPEN = {"reported", "registered", "dispatched", "handled"}
CLOSED = {"closed", "rejected", "cancelled", "merged", "transferred"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("extensions", ["false", "true"])
def test_every_record_follows_the_spec_and_maps_the_state(
    states: dict[str, Case], o311: Open311Client, fmt: str, extensions: str
) -> None:
    with at(MONDAY + dt.timedelta(days=1)):
        answer = o311.get("requests", fmt, extensions=extensions)

    assert answer.status == 200
    assert answer.root == {"xml": "service_requests", "json": None}[fmt]
    by_id = {r["service_request_id"]: r for r in answer.data}
    assert set(by_id) == {c.number for c in states.values()}
    for record in answer.data:
        check_request(record, fmt, extensions=extensions == "true")
    status = {name: by_id[case.number]["status"] for name, case in states.items()}
    assert status == {name: "open" if name in OPEN else "closed" for name in states}


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_carry_the_detailed_state_and_the_public_timeline(
    states: dict[str, Case], o311: Open311Client, fmt: str
) -> None:
    with at(MONDAY + dt.timedelta(days=1)):
        answer = o311.get("requests", fmt, extensions="true", locale="en")

    by_id = {r["service_request_id"]: r for r in answer.data}
    detailed = {name: by_id[c.number]["extended_attributes"]["detailed_status"] for name, c in states.items()}
    assert detailed == {
        "reported": "RECEIVED",
        "registered": "IN_PROCESS",
        "dispatched": "IN_PROCESS",
        "handled": "IN_PROCESS",
        "closed": "PROCESSED",
        "rejected": "REJECTED",
        "cancelled": "REJECTED",
        "merged": "ARCHIVED",
        "transferred": "ARCHIVED",
    }
    done = by_id[states["closed"].number]
    assert done["extended_attributes"]["state"] == "closed"
    assert [n["type"] for n in done["notes"]] == [
        "reported",
        "registered",
        "dispatched",
        "accepted",
        "handled",
        "closed",
    ]
    assert done["notes"][-1]["description"] == "已修复"
    assert done["status_notes"] == "已修复"
    merged = by_id[states["merged"].number]
    assert merged["extended_attributes"]["duplicate_of"] == states["registered"].number
    rejected = by_id[states["rejected"].number]
    assert rejected["status_notes"] == "不属于城管职责"
    transferred = by_id[states["transferred"].number]
    assert transferred["agency_responsible"] == "公安分局"
    assert by_id[states["dispatched"].number]["agency_responsible"] == "排水管理处"
    assert by_id[states["dispatched"].number]["expected_datetime"] is not None


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_id_overrides_every_other_filter(
    states: dict[str, Case], o311: Open311Client, fmt: str
) -> None:
    wanted = [states["closed"].number, states["reported"].number]

    with at(MONDAY + dt.timedelta(days=400)):
        answer = o311.get(
            "requests", fmt, service_request_id=",".join(wanted), status="open", service_code=VENDING
        )

    assert sorted(ids(answer)) == sorted(wanted)


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_filters_open_closed_or_both(states: dict[str, Case], o311: Open311Client, fmt: str) -> None:
    with at(MONDAY):
        open_ = o311.get("requests", fmt, status="open")
        closed_ = o311.get("requests", fmt, status="closed")
        both = o311.get("requests", fmt, status="open,closed")
        bad = o311.get("requests", fmt, status="pending")

    assert set(ids(open_)) == {states[n].number for n in OPEN}
    assert set(ids(closed_)) == {states[n].number for n in CLOSED}
    assert len(ids(both)) == len(states)
    check_errors(bad, 400)
    assert bad.data[0]["description"].startswith("status")


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_code_filters_one_or_many(tiny_city: TinyCity, o311: Open311Client, fmt: str) -> None:
    with at(MONDAY):
        manhole = reported(tiny_city)
        vending = reported(tiny_city, category="event:0504")
        light = reported(tiny_city, category="component:0122")
        one = o311.get("requests", fmt, service_code=VENDING)
        two = o311.get("requests", fmt, service_code=f"{VENDING},{MANHOLE}")
        unknown = o311.get("requests", fmt, service_code="event-9999")

    assert ids(one) == [vending.number]
    assert set(ids(two)) == {manhole.number, vending.number}
    assert light.number not in ids(two)
    check_errors(unknown, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_filter_the_requested_time_any_iso_form(
    tiny_city: TinyCity, o311: Open311Client, fmt: str
) -> None:
    with at(local(2026, 11, 2, 10, 0)):
        early = reported(tiny_city)
    with at(local(2026, 11, 20, 10, 0)):
        late = reported(tiny_city)

    with at(local(2026, 11, 25, 9, 0)):
        utc_z = o311.get("requests", fmt, start_date="2026-11-10T00:00:00Z")
        offset = o311.get("requests", fmt, end_date="2026-11-10T00:00:00+08:00")
        basic = o311.get("requests", fmt, start_date="20261101T000000Z", end_date="20261103T000000Z")
        fraction = o311.get(
            "requests", fmt, start_date="2026-11-20T02:00:00.000Z", end_date="2026-11-20T02:00:00.5Z"
        )
        bare_day = o311.get("requests", fmt, start_date="2026-11-20")

    assert ids(utc_z) == [late.number]
    assert ids(offset) == [early.number]
    assert ids(basic) == [early.number]
    assert ids(fraction) == [late.number]
    assert ids(bare_day) == [late.number]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "culprit"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "start_date, end_date"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"updated_after": "2026-13-01T00:00:00Z"}, "updated_after"),
        (
            {"updated_after": "2026-06-02T00:00:00Z", "updated_before": "2026-06-01T00:00:00Z"},
            "updated_before",
        ),
        ({"page": "0"}, "page"),
        ({"page_size": "many"}, "page_size"),
        ({"extensions": "maybe"}, "extensions"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "121.6,29.8,121.5,29.9"}, "bbox"),
        ({"lat": "29.87"}, "lat, long"),
        ({"radius": "100"}, "radius"),
        ({"lat": "29.87", "long": "121.55", "radius": "-5"}, "radius"),
    ],
)
def test_bad_filters_are_refused_naming_them(
    o311: Open311Client, fmt: str, params: dict[str, str], culprit: str
) -> None:
    answer = o311.get("requests", fmt, **params)

    check_errors(answer, 400)
    # the argument names lead the description, in either language (", " or "、", ": " or "：")
    names = culprit.split(", ")
    description = answer.data[0]["description"]
    assert all(name in description for name in names), description
    assert description.startswith(names[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_dates_the_last_90_days_are_listed(
    tiny_city: TinyCity, o311: Open311Client, fmt: str
) -> None:
    with at(local(2026, 6, 1, 10, 0)):
        old = reported(tiny_city)
    with at(local(2026, 11, 20, 10, 0)):
        recent = reported(tiny_city)

    with at(local(2026, 11, 25, 9, 0)):
        answer = o311.get("requests", fmt)
        by_id = o311.get("requests", fmt, service_request_id=old.number)

    assert ids(answer) == [recent.number]
    assert ids(by_id) == [old.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_updated_after_and_before_are_strict(tiny_city: TinyCity, o311: Open311Client, fmt: str) -> None:
    with at(local(2026, 6, 1, 10, 0)):
        old = reported(tiny_city)
        untouched = reported(tiny_city)
    with at(local(2026, 11, 23, 10, 0)):
        workflow.register(old.pk, actor=tiny_city.users["operator"], version=old.version)

    with at(local(2026, 11, 25, 9, 0)):
        after = o311.get("requests", fmt, updated_after="2026-11-23T02:00:00Z")
        after_edge = o311.get("requests", fmt, updated_after="2026-11-23T02:00:00.000001Z")
        before = o311.get("requests", fmt, updated_before="2026-11-23T10:00:00+08:00")
        window = o311.get(
            "requests", fmt, updated_after="2026-05-01T00:00:00Z", updated_before="2026-11-23T10:00:01+08:00"
        )

    # the update of 2026-11-23 10:00 (city) = 02:00Z; the old report was filed long before the 90 days
    assert ids(after) == []
    assert ids(after_edge) == []
    assert ids(before) == [untouched.number]
    assert set(ids(window)) == {old.number, untouched.number}
    strictly_after = o311.get("requests", fmt, updated_after="2026-11-23T01:59:59Z")
    assert ids(strictly_after) == [old.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_lat_long_radius_finds_requests_nearby_nearest_first(
    tiny_city: TinyCity, o311: Open311Client, fmt: str
) -> None:
    with at(MONDAY):
        here = reported(tiny_city, at=WEST)
        near = reported(tiny_city, at=(WEST[0] + 0.002, WEST[1]))  # ~193 m east
        far = reported(tiny_city, at=EAST)
        within = o311.get("requests", fmt, lat=WEST[1], long=WEST[0], radius=300, extensions="true")
        close = o311.get("requests", fmt, lat=WEST[1], long=WEST[0], radius=100)
        all_sorted = o311.get("requests", fmt, lat=EAST[1], long=EAST[0])

    assert ids(within) == [here.number, near.number]
    distances = [float(r["extended_attributes"]["distance"]) for r in within.data]
    assert distances[0] == 0.0
    assert 180 < distances[1] < 200
    assert ids(close) == [here.number]
    assert ids(all_sorted) == [far.number, near.number, here.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_bbox_finds_requests_inside_it(tiny_city: TinyCity, o311: Open311Client, fmt: str) -> None:
    with at(MONDAY):
        west = reported(tiny_city, at=WEST)
        reported(tiny_city, at=EAST)
        answer = o311.get("requests", fmt, bbox="121.53,29.86,121.55,29.88")

    assert ids(answer) == [west.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pages_follow_page_and_page_size_with_the_headers(
    tiny_city: TinyCity, o311: Open311Client, fmt: str
) -> None:
    with at(MONDAY):
        numbers = []
        for minute in range(5):
            with at(MONDAY + dt.timedelta(minutes=minute)):
                numbers.append(reported(tiny_city).number)
    newest_first = list(reversed(numbers))

    with at(MONDAY + dt.timedelta(hours=1)):
        first = o311.get("requests", fmt, page_size=2)
        second = o311.get("requests", fmt, page_size=2, page=2)
        last = o311.get("requests", fmt, per_page=2, page=3)
        past = o311.get("requests", fmt, page_size=2, page=9)
        everything = o311.get("requests", fmt)

    assert ids(first) == newest_first[:2]
    assert ids(second) == newest_first[2:4]
    assert ids(last) == newest_first[4:]
    assert ids(past) == []
    assert ids(everything) == newest_first
    headers = first.headers
    assert (headers["X-Result-Count"], headers["X-Page-Count"], headers["X-Page-Size"]) == ("5", "3", "2")
    next_url = urlparse(headers["X-Next-Page-URL"])
    assert next_url.path == f"/open311/v2/requests.{fmt}"
    assert parse_qs(next_url.query) == {"page_size": ["2"], "page": ["2"]}
    assert "X-Previous-Page-URL" not in headers
    assert parse_qs(urlparse(second.headers["X-Previous-Page-URL"]).query)["page"] == ["1"]
    assert "X-Next-Page-URL" not in last.headers
    assert everything.headers["X-Page-Size"] == "1000"


def test_page_size_is_capped_at_the_servers_maximum(o311: Open311Client, settings: Any) -> None:
    settings.OPEN311_MAX_REQUESTS = 3

    answer = o311.get("requests", "json", page_size=50)

    assert answer.headers["X-Page-Size"] == "3"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_comes_as_a_list_of_one(states: dict[str, Case], o311: Open311Client, fmt: str) -> None:
    case = states["closed"]

    answer = o311.get(f"requests/{case.number}", fmt)
    extended = o311.get(f"requests/{case.number}", fmt, extensions="true")

    assert answer.status == 200
    assert answer.root == {"xml": "service_requests", "json": None}[fmt]
    (record,) = answer.data
    check_request(record, fmt)
    check_request(extended.data[0], fmt, extensions=True)
    assert record["service_request_id"] == case.number
    assert record["service_code"] == MANHOLE
    assert record["status"] == "closed"
    assert record["requested_datetime"] == "2026-11-23T01:00:00Z"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_is_404(o311: Open311Client, fmt: str) -> None:
    check_errors(o311.get("requests/20260101-99999", fmt), 404)


def test_a_request_filed_through_open311_can_be_read_back(
    tiny_city: TinyCity, post_report: Any, o311: Open311Client
) -> None:
    number = post_report(description="路灯不亮", service_code="component-0122")

    (record,) = o311.get(f"requests/{number}", "json").data

    assert record["description"] == "路灯不亮"
    assert record["service_code"] == "component-0122"
    assert record["status"] == "open"
    assert record["address"] == "中山东路 100 号"
    assert (record["lat"], record["long"]) == (WEST[1], WEST[0])


def test_the_description_comes_back_unchanged_in_xml(tiny_city: TinyCity, o311: Open311Client) -> None:
    with at(MONDAY):
        case = submit(tiny_city, description='<b>"井盖" & 路灯</b>\n第二行\x07').case

    (record,) = o311.get(f"requests/{case.number}", "xml").data

    assert record["description"] == '<b>"井盖" & 路灯</b>\n第二行'


def test_a_page_costs_the_same_queries_for_few_or_many_requests(
    tiny_city: TinyCity, o311: Open311Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with at(MONDAY + dt.timedelta(days=1)), CaptureQueriesContext(connection) as captured:
            answer = o311.get("requests", "json", extensions="true")
        assert answer.status == 200
        return len(captured)

    with at(MONDAY):
        every_state(tiny_city)
    few = queries()
    with at(MONDAY):
        every_state(tiny_city)
    many = queries()

    assert Case.objects.count() == 18
    assert many == few
