"""GET /api/v1/cases/: the cases the viewer may see, filtered, ordered, paginated, without N+1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengguan.cases import selectors, workflow
from chengguan.cases.models import Case
from chengguan.cases.tests.api.conftest import EAST, MANHOLE, WEST, WEST_2, Clients
from chengguan.core.testing import TinyCity

SHANGHAI = ZoneInfo("Asia/Shanghai")
# a Wednesday, a working day
MORNING = dt.datetime(2025, 3, 5, 9, 0, tzinfo=SHANGHAI)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def city_cases(tiny_city: TinyCity, file_report: Callable[..., dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Four reports: two in the west (one dispatched to CG-SQ1), one manhole cover, one in the east."""
    users = tiny_city.users
    with time_machine.travel(MORNING, tick=False):
        vending = file_report("inspector")
    with time_machine.travel(MORNING + dt.timedelta(hours=1), tick=False):
        manhole = file_report("inspector", category=MANHOLE, at=WEST_2)
    with time_machine.travel(MORNING + dt.timedelta(hours=2), tick=False):
        east = file_report("inspector", at=EAST)
        citizen = file_report("citizen", source="citizen", at=WEST_2)
        workflow.register(vending["id"], actor=users["operator"], version=1)
        workflow.dispatch(
            vending["id"], actor=users["dispatcher"], version=2, unit=tiny_city.units["west"].pk
        )
    return {"vending": vending, "manhole": manhole, "east": east, "citizen": citizen}


def test_it_lists_every_case_to_the_dispatcher_newest_first(as_user: Clients, city_cases: Any) -> None:
    response = as_user("dispatcher").get("/api/v1/cases/")
    assert ids(response) == [
        city_cases["citizen"]["id"],
        city_cases["east"]["id"],
        city_cases["manhole"]["id"],
        city_cases["vending"]["id"],
    ]
    assert response.json()["count"] == 4
    row = response.json()["results"][0]
    assert "reporter_phone" not in row
    assert row["url"] == f"/api/v1/cases/{row['id']}/"


def test_the_outsider_sees_only_the_cases_of_their_territory(as_user: Clients, city_cases: Any) -> None:
    assert ids(as_user("outsider").get("/api/v1/cases/")) == [city_cases["east"]["id"]]


def test_a_citizen_sees_only_their_own_reports(as_user: Clients, city_cases: Any) -> None:
    assert ids(as_user("citizen").get("/api/v1/cases/")) == [city_cases["citizen"]["id"]]


def test_anonymous_visitors_get_a_json_refusal(as_user: Clients, city_cases: Any) -> None:
    response = as_user(None).get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_it_filters_by_a_list_of_states(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    assert ids(client.get("/api/v1/cases/", {"state": "dispatched"})) == [city_cases["vending"]["id"]]
    assert len(ids(client.get("/api/v1/cases/", {"state": "dispatched,reported"}))) == 4
    assert ids(client.get("/api/v1/cases/", {"state": "closed"})) == []


def test_it_filters_by_category_and_kind(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    assert ids(client.get("/api/v1/cases/", {"category": "component:0101"})) == [city_cases["manhole"]["id"]]
    assert ids(client.get("/api/v1/cases/", {"category": "0101", "kind": "component"})) == [
        city_cases["manhole"]["id"]
    ]
    assert ids(client.get("/api/v1/cases/", {"kind": "component"})) == [city_cases["manhole"]["id"]]
    assert len(ids(client.get("/api/v1/cases/", {"category": "0504"}))) == 3


def test_it_filters_by_division_and_grid_code_prefixes(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    assert ids(client.get("/api/v1/cases/", {"district": "330212"})) == [city_cases["east"]["id"]]
    assert len(ids(client.get("/api/v1/cases/", {"street": "330203001"}))) == 3
    assert len(ids(client.get("/api/v1/cases/", {"community": "330203001001"}))) == 3
    assert ids(client.get("/api/v1/cases/", {"grid": "330203001001001"})) == [city_cases["vending"]["id"]]


def test_it_filters_by_assigned_unit(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    assert ids(client.get("/api/v1/cases/", {"unit": "CG-SQ1"})) == [city_cases["vending"]["id"]]
    assert ids(client.get("/api/v1/cases/", {"unit": "CG-WATER"})) == []


def test_it_filters_by_source(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    assert ids(client.get("/api/v1/cases/", {"source": "citizen"})) == [city_cases["citizen"]["id"]]
    assert len(ids(client.get("/api/v1/cases/", {"source": "citizen,inspector"}))) == 4


def test_it_filters_by_report_and_update_times(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    after = (MORNING + dt.timedelta(minutes=30)).isoformat()
    before = (MORNING + dt.timedelta(hours=1, minutes=30)).isoformat()
    assert ids(client.get("/api/v1/cases/", {"reported_after": after, "reported_before": before})) == [
        city_cases["manhole"]["id"]
    ]
    # the dispatch at +2 h touched the vending case last; the east and citizen reports share that time
    updated = (MORNING + dt.timedelta(hours=1, minutes=59)).isoformat()
    assert city_cases["vending"]["id"] in ids(client.get("/api/v1/cases/", {"updated_after": updated}))
    assert city_cases["manhole"]["id"] not in ids(client.get("/api/v1/cases/", {"updated_after": updated}))


def test_an_unencoded_plus_in_the_offset_still_parses(as_user: Clients, city_cases: Any) -> None:
    response = as_user("dispatcher").get("/api/v1/cases/?reported_after=2025-03-05T09:30:00+08:00")
    assert ids(response) == [
        city_cases["citizen"]["id"],
        city_cases["east"]["id"],
        city_cases["manhole"]["id"],
    ]


@pytest.mark.parametrize("value", ["yesterday", "2025-03-05T09:30:00", "2025-13-05T09:30:00+08:00"])
def test_it_refuses_a_bad_or_naive_datetime_naming_the_parameter(as_user: Clients, value: str) -> None:
    response = as_user("dispatcher").get("/api/v1/cases/", {"reported_after": value})
    assert response.status_code == 400
    assert response.json()["field"] == "reported_after"


def test_it_filters_by_distance_from_a_point(as_user: Clients, city_cases: Any) -> None:
    client = as_user("dispatcher")
    near = f"{WEST[0]},{WEST[1]}"
    assert ids(client.get("/api/v1/cases/", {"near": near, "radius_m": 100})) == [city_cases["vending"]["id"]]
    # WEST_2 lies about 1.4 km from WEST; EAST about 3 km
    assert len(ids(client.get("/api/v1/cases/", {"near": near, "radius_m": 1500}))) == 3
    assert len(ids(client.get("/api/v1/cases/", {"near": near, "radius_m": 5000}))) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "121.5"}, "near"),
        ({"near": "a,b"}, "near"),
        ({"near": "121.5,29.8", "radius_m": "-1"}, "radius_m"),
        ({"near": "121.5,29.8", "radius_m": "far"}, "radius_m"),
        ({"radius_m": "100"}, "radius_m"),
        ({"state": "reported,lost"}, "state"),
        ({"overdue": "maybe"}, "overdue"),
        ({"deadline_status": "late"}, "deadline_status"),
        ({"grid": "33x"}, "grid"),
        ({"category": "0504x"}, "category"),
        ({"ordering": "number"}, "ordering"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_filters_naming_the_parameter(
    as_user: Clients, params: dict[str, str], field: str
) -> None:
    response = as_user("dispatcher").get("/api/v1/cases/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


def test_it_orders_by_the_current_deadline(as_user: Clients, city_cases: Any) -> None:
    rows = as_user("dispatcher").get("/api/v1/cases/", {"ordering": "current_due"}).json()["results"]
    dues = [row["current_due"] for row in rows]
    assert dues == sorted(dues)
    oldest_first = ids(as_user("dispatcher").get("/api/v1/cases/", {"ordering": "reported_at"}))
    assert oldest_first[0] == city_cases["vending"]["id"]


def test_it_filters_overdue_cases_and_by_deadline_status(as_user: Clients, city_cases: Any) -> None:
    # given: at 11:50 the manhole report of 10:00 is past its one working hour to registration
    # (overdue), the two reports of 11:00 have 10 of their 60 minutes left (due soon, the last 20 %)
    # and the vending case, dispatched at 11:00 with two working hours to handle it, is on time.
    client = as_user("dispatcher")
    with time_machine.travel(MORNING + dt.timedelta(hours=2, minutes=50), tick=False):
        now = MORNING + dt.timedelta(hours=2, minutes=50)
        statuses = {c.pk: selectors.deadline_status(c, now) for c in Case.objects.all()}
        overdue = ids(client.get("/api/v1/cases/", {"overdue": "true"}))
        not_overdue = ids(client.get("/api/v1/cases/", {"overdue": "false"}))
        due_soon = ids(client.get("/api/v1/cases/", {"deadline_status": "due_soon"}))
        on_time_or_overdue = ids(client.get("/api/v1/cases/", {"deadline_status": "on_time,overdue"}))
        listed = {row["id"]: row["deadline_status"] for row in client.get("/api/v1/cases/").json()["results"]}
    # then: the filters agree with the status computed for each case, and every kind occurs
    assert set(overdue) == {pk for pk, s in statuses.items() if s == "overdue"} != set()
    assert set(not_overdue) == set(statuses) - set(overdue)
    assert set(due_soon) == {pk for pk, s in statuses.items() if s == "due_soon"} != set()
    assert (
        set(on_time_or_overdue) == {pk for pk, s in statuses.items() if s in ("on_time", "overdue")} != set()
    )
    assert listed == statuses


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/", {"state": "reported,dispatched"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_a_fixed_number_of_queries(
    as_user: Clients,
    tiny_city: TinyCity,
    file_report: Callable[..., dict[str, Any]],
    django_assert_max_num_queries: Any,
) -> None:
    # given: cases outside any running clock (no deadline status to compute), in several units
    users = tiny_city.users
    for _ in range(3):
        case = file_report("inspector")
        workflow.cancel(case["id"], actor=users["operator"], version=1, reason="测试")
    client = as_user("dispatcher")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/cases/")
    assert response.json()["count"] == 3


def test_the_list_with_running_clocks_does_not_grow_with_the_page(
    as_user: Clients, tiny_city: TinyCity, file_report: Callable[..., dict[str, Any]]
) -> None:
    # given: a few running cases, then many more
    client = as_user("outsider")
    with time_machine.travel(MORNING, tick=False):
        for _ in range(2):
            file_report("inspector", at=EAST)
        _list_queries(client)  # warm the per-process caches (calendar) once
        few = _list_queries(client)
        for _ in range(8):
            file_report("inspector", at=EAST)
        many = _list_queries(client)
    assert many == few
