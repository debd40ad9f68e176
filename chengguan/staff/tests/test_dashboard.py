"""The leader's dashboard: counts, charts as inline SVG, the ranking, every chart as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengguan.cases import workflow
from chengguan.cases.tests.builders import EAST, STREET_VENDING, handled, photo, reported
from chengguan.core.testing import TinyCity
from chengguan.staff.tests.helpers import client_for, url


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_dashboard_counts_a_closed_case_and_draws_charts(tiny_city: TinyCity) -> None:
    case = handled(tiny_city, category=STREET_VENDING)
    workflow.verify(
        case.pk, actor=tiny_city.users["inspector"], version=case.version, passed=True, files=[photo()]
    )
    reported(tiny_city, at=EAST)
    response = client_for(tiny_city, "leader").get(url("staff:dashboard"))
    counts = response.context["counts"]
    assert counts["reported_today"] == 2 and counts["closed_today"] == 1 and counts["open"] == 1
    html = response.content.decode()
    assert html.count('<svg class="chart"') == 2
    assert 'data-count="closed_today">1<' in html


@pytest.mark.parametrize("chart", ["counts", "daily", "categories", "heat", "ranking"])
def test_every_chart_downloads_as_csv(tiny_city: TinyCity, chart: str) -> None:
    handled(tiny_city, category=STREET_VENDING)
    response = client_for(tiny_city, "leader").get(url("staff:dashboard_csv", chart))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = rows(response)
    assert len(table) >= 2, table
    if chart == "daily":
        assert table[-1][1] == "1"
    if chart == "ranking":
        assert {r[3] for r in table[1:]} >= {"CG-SQ1", "CG-SQ2"}


def test_unknown_chart_is_not_found(tiny_city: TinyCity) -> None:
    assert client_for(tiny_city, "leader").get(url("staff:dashboard_csv", "nope")).status_code == 404


def test_dashboard_queries_do_not_grow_with_the_cases(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "leader")
    reported(tiny_city)
    client.get(url("staff:dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("staff:dashboard"))
    for _ in range(15):
        reported(tiny_city, at=EAST, category=STREET_VENDING)
    with CaptureQueriesContext(connection) as many:
        client.get(url("staff:dashboard"))
    assert len(many) == len(few)


@pytest.mark.parametrize("name", ["staff:console", "staff:cases", "staff:overdue"])
def test_lists_do_not_grow_queries_with_the_cases(tiny_city: TinyCity, name: str) -> None:
    client = client_for(tiny_city, "dispatcher")
    reported(tiny_city)
    client.get(url(name))
    with CaptureQueriesContext(connection) as few:
        client.get(url(name))
    for _ in range(15):
        reported(tiny_city, at=EAST, category=STREET_VENDING)
    with CaptureQueriesContext(connection) as many:
        client.get(url(name))
    assert len(many) <= len(few) + 1
