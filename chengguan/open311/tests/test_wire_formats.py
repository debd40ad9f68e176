"""The wire rules as pure functions: date and time in and out, the XML/JSON mapping."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengguan.open311.datetimes import format_datetime, parse_datetime_arg
from chengguan.open311.errors import Open311Error
from chengguan.open311.formats import to_json, to_xml
from chengguan.open311.tests.conftest import from_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
# hypothesis bounds aware datetimes by naive limits
NAIVE_MIN = dt.datetime(1990, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)
NAIVE_MAX = dt.datetime(2100, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23T01:00:00Z",
        "2026-11-23T01:00:00+00:00",
        "2026-11-23T09:00:00+08:00",
        "2026-11-23T09:00:00+0800",
        "2026-11-23T01:00:00.000Z",
        "20261123T010000Z",
        "2026-11-23 09:00:00+08:00",
        "2026-11-23T09:00:00",
        "2026-11-23T09:00",
    ],
)
def test_any_iso_form_of_a_moment_is_read(text: str) -> None:
    assert parse_datetime_arg("start_date", text) == MOMENT


def test_a_bare_date_is_the_start_of_that_day_in_the_city() -> None:
    assert parse_datetime_arg("start_date", "2026-11-23") == dt.datetime(2026, 11, 23, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_argument_is_absent(text: str | None) -> None:
    assert parse_datetime_arg("end_date", text) is None


@pytest.mark.parametrize("text", ["tomorrow", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z"])
def test_junk_is_refused_naming_the_argument(text: str) -> None:
    with pytest.raises(Open311Error) as error:
        parse_datetime_arg("end_date", text)

    assert error.value.status == 400
    assert error.value.descriptions[0].startswith("end_date")


@given(st.datetimes(timezones=st.just(SHANGHAI), min_value=NAIVE_MIN, max_value=NAIVE_MAX))
def test_moments_go_out_in_utc_and_come_back_the_same(moment: dt.datetime) -> None:
    text = format_datetime(moment)

    assert text is not None and text.endswith("Z")
    # compared as instants: China kept summer time until 1991, so some local times occur twice,
    # and Python never calls an ambiguous local time equal to a time in another zone
    back = parse_datetime_arg("t", text)
    assert back.timestamp() == moment.replace(microsecond=0).timestamp()


def test_lists_become_wrappers_of_items_and_none_an_empty_element() -> None:
    data = [{"service_code": "event-0504", "description": None, "metadata": True, "values": [{"key": "a"}]}]

    xml = to_xml("services", data)

    assert xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<services><service>')
    assert b"<description></description>" in xml
    assert b"<metadata>true</metadata>" in xml
    assert b"<values><value><key>a</key></value></values>" in xml
    assert json.loads(to_json(data)) == data


@given(st.text())
def test_any_text_survives_xml_except_what_xml_cannot_carry(text: str) -> None:
    xml = to_xml("service_requests", [{"description": text}])

    parsed = from_xml(ET.fromstring(xml))

    kept = "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
    kept = kept.replace("\r\n", "\n").replace("\r", "\n")
    assert (parsed[0]["description"] or "") == kept
