"""Intake: a report from each source becomes a located, numbered case with its evidence."""

from __future__ import annotations

import re
from unittest import mock

import pytest
import time_machine

from chengguan.audit.models import AuditEntry
from chengguan.cases import intake
from chengguan.cases.models import Case, CaseEvent, CaseState, IdempotentSubmission
from chengguan.cases.tests.builders import (
    EAST,
    MANHOLE,
    MONDAY,
    ON_BEAT,
    OUTSIDE,
    STREET_VENDING,
    WEST,
    WEST_GRID,
    local,
    photo,
    submit,
    text_file,
)
from chengguan.core.errors import AccessDenied, Conflict, InvalidInput, OutsideCity
from chengguan.core.testing import TinyCity
from chengguan.evidence.selectors import evidence_for


@time_machine.travel(MONDAY, tick=False)
def test_an_inspector_report_is_located_numbered_and_routed_to_the_owner(tiny_city: TinyCity) -> None:
    # given an inspector photographing a sewage manhole cover in the west
    inspector = tiny_city.users["inspector"]

    # when he reports it
    result = submit(tiny_city, description="污水井盖缺失", files=[photo("before.jpg")])

    # then a case is reported, located and routed to the water department (component: owner first)
    case = result.case
    assert result.created is True
    assert case.state == CaseState.REPORTED
    assert case.version == 1
    assert re.fullmatch(r"20261123-\d{5}", case.number)
    assert (case.grid_code, case.community_code, case.street_code, case.district_code) == (
        WEST_GRID,
        "330203001001",
        "330203001",
        "330203",
    )
    assert case.suggested_unit == tiny_city.units["water"]
    assert case.verifier == inspector
    assert case.reporter == inspector
    # the registration clock: 1 working hour
    assert case.register_due == local(2026, 11, 23, 10, 0)
    assert case.current_due == case.register_due
    # the evidence, the public timeline entry and the audit record
    evidence = list(evidence_for("cases.case", str(case.pk)))
    assert len(evidence) == 1
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.public, event.to_state) == ("reported", True, CaseState.REPORTED)
    assert event.payload["evidence"] == [evidence[0].pk]
    assert AuditEntry.objects.filter(action="case.report", target_id=str(case.pk)).count() == 1


def test_a_report_on_a_beat_gets_the_beat_and_its_officer(tiny_city: TinyCity) -> None:
    case = submit(tiny_city, at=ON_BEAT).case

    assert case.beat_code == "B1"
    assert case.officer == tiny_city.users["officer"]


def test_an_event_goes_to_the_squadron_of_the_place(tiny_city: TinyCity) -> None:
    west = submit(tiny_city, category=STREET_VENDING).case
    east = submit(tiny_city, category=STREET_VENDING, at=EAST).case

    assert west.suggested_unit == tiny_city.units["west"]
    assert east.suggested_unit == tiny_city.units["east"]


def test_an_anonymous_citizen_may_report(tiny_city: TinyCity) -> None:
    result = submit(tiny_city, by=None, source="citizen", reporter_phone="13900000000")

    assert result.created
    assert result.case.reporter is None
    assert result.case.reporter_phone == "13900000000"


def test_a_signed_in_citizen_is_the_reporter(tiny_city: TinyCity) -> None:
    case = submit(tiny_city, by="citizen", source="citizen").case

    assert case.reporter == tiny_city.users["citizen"]


def test_a_hotline_operator_enters_a_call_and_keeps_the_callers_contact_private(tiny_city: TinyCity) -> None:
    # given a caller on the 12345 line
    # when the operator enters the report for her
    case = submit(
        tiny_city, by="operator", source="hotline", reporter_name="张女士", reporter_phone="138-0000-1111"
    ).case

    # then the caller's contact is kept on the case; she is not a user, and the public event has no contact
    assert case.source == "hotline"
    assert case.reporter is None
    assert (case.reporter_name, case.reporter_phone) == ("张女士", "138-0000-1111")
    event = CaseEvent.objects.get(case=case)
    assert "138-0000-1111" not in str(event.payload)


def test_a_camera_reports_without_a_user(tiny_city: TinyCity) -> None:
    case = submit(tiny_city, by=None, source="camera", category=STREET_VENDING, files=[photo()]).case

    assert case.source == "camera"
    assert case.reporter is None


@pytest.mark.parametrize(
    ("by", "source"),
    [
        ("officer", "inspector"),
        ("citizen", "hotline"),
        ("inspector", "hotline"),
        (None, "inspector"),
        ("operator", "camera"),
        ("dispatcher", "citizen"),
    ],
)
def test_it_refuses_a_source_the_role_may_not_use(tiny_city: TinyCity, by: str | None, source: str) -> None:
    with pytest.raises(AccessDenied):
        submit(tiny_city, by=by, source=source)

    assert not Case.objects.exists()


def test_a_point_outside_the_city_is_refused_and_nothing_is_written(tiny_city: TinyCity) -> None:
    with pytest.raises(OutsideCity):
        submit(tiny_city, at=OUTSIDE, files=[photo()], client="app", idempotency_key="k1")

    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not IdempotentSubmission.objects.exists()
    assert not AuditEntry.objects.filter(action="case.report").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "component:9999"}, "category"),
        ({"category": "nonsense"}, "category"),
        ({"category": None}, "category"),
        ({"at": ("east", 29.87)}, "lon"),
        ({"at": (121.54, 95)}, "lat"),
        ({"description": "x" * 4001}, "description"),
        ({"urgency": "very"}, "urgency"),
        ({"source": "pigeon"}, "source"),
        ({"reporter_email": "not-an-address"}, "reporter_email"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"crs": "mars"}, "crs"),
        ({"files": [text_file()]}, "file"),
    ],
)
def test_bad_input_is_refused_naming_the_field(tiny_city: TinyCity, overrides: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        submit(tiny_city, **overrides)

    assert refused.value.field == field
    assert not Case.objects.exists()


def test_a_replayed_submission_returns_the_stored_case(tiny_city: TinyCity) -> None:
    first = submit(tiny_city, client="app-1", idempotency_key="abc")

    again = submit(tiny_city, client="app-1", idempotency_key="abc")

    assert again.created is False
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1


def test_the_same_key_from_another_client_is_another_submission(tiny_city: TinyCity) -> None:
    submit(tiny_city, client="app-1", idempotency_key="abc")

    other = submit(tiny_city, client="app-2", idempotency_key="abc")

    assert other.created
    assert Case.objects.count() == 2


def test_a_concurrent_duplicate_submission_gets_a_conflict(tiny_city: TinyCity) -> None:
    # given a submission stored by a concurrent request after this one looked for a replay
    submit(tiny_city, client="app-1", idempotency_key="abc")

    # when this one gets to the insert
    with mock.patch.object(intake, "_replay", return_value=None), pytest.raises(Conflict) as conflict:
        submit(tiny_city, client="app-1", idempotency_key="abc")

    # then it is told so and wrote nothing
    assert conflict.value.field == "idempotency_key"
    assert Case.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_case_numbers_count_up_per_city_day(tiny_city: TinyCity) -> None:
    numbers = [submit(tiny_city).case.number for _ in range(3)]

    assert numbers == ["20261123-00001", "20261123-00002", "20261123-00003"]


def test_the_city_day_not_the_utc_day_numbers_a_case(tiny_city: TinyCity) -> None:
    # 23:30 UTC on 22 November is 07:30 on 23 November in the city
    with time_machine.travel(local(2026, 11, 23, 7, 30), tick=False):
        case = submit(tiny_city).case

    assert case.number.startswith("20261123-")


def test_an_urgent_report_keeps_its_urgency(tiny_city: TinyCity) -> None:
    case = submit(tiny_city, urgency="urgent", category=MANHOLE, at=WEST).case

    assert case.urgency == "urgent"
