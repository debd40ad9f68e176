"""Workflow actions from the case page: each goes through cases.workflow; errors come back as messages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from chengguan.cases.models import Case, CaseState
from chengguan.cases.tests.builders import (
    EAST,
    STREET_VENDING,
    accepted,
    dispatched,
    photo,
    registered,
    reported,
)
from chengguan.core.testing import TinyCity
from chengguan.staff.tests.helpers import client_for, url

pytestmark = pytest.mark.usefixtures("in_english")


def act(client, case: Case, action: str, **data):
    data.setdefault("version", case.version)
    return client.post(url("staff:case_action", case.pk), {"action": action, **data}, follow=True)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]


def test_register_then_dispatch_from_the_console_takes_two_clicks(tiny_city: TinyCity) -> None:
    case = reported(tiny_city, category=STREET_VENDING)
    operator = client_for(tiny_city, "operator")
    console = operator.get(url("staff:console")).content.decode()
    assert case.number in console and 'value="register"' in console
    act(operator, case, "register", next=url("staff:console"))
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED

    dispatcher = client_for(tiny_city, "dispatcher")
    console = dispatcher.get(url("staff:console")).content.decode()
    assert 'value="dispatch"' in console
    act(dispatcher, case, "dispatch", unit=case.suggested_unit_id, next=url("staff:console"))
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert case.assigned_unit == tiny_city.units["west"]


def test_a_stale_version_is_shown_as_a_conflict_and_changes_nothing(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)
    response = act(client_for(tiny_city, "operator"), case, "register", version=case.version + 5)
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED
    page = response.content.decode()
    assert "Somebody else changed this case first" in page
    assert "Reported" in page and "version 1" in page


def test_invalid_input_names_the_field(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)
    response = act(client_for(tiny_city, "operator"), case, "reject", reason="  ")
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED
    assert "field-reason" in response.content.decode()


def test_report_back_needs_an_after_photo_and_then_the_inspector_closes(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city, category=STREET_VENDING)
    officer = client_for(tiny_city, "officer")
    response = act(officer, case, "report_back", note="cleared")
    assert "Attach at least one photo" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED

    response = act(officer, case, "report_back", note="cleared", files=[photo()])
    case.refresh_from_db()
    assert case.state == CaseState.HANDLED

    inspector = client_for(tiny_city, "inspector")
    tasks = inspector.get(url("staff:tasks")).content.decode()
    assert case.number in tasks and f"geo:{case.lat},{case.lon}" in tasks
    detail = inspector.get(url("staff:case", case.pk)).content.decode()
    assert 'value="verify"' in detail and 'value="rework"' in detail
    act(inspector, case, "verify", files=[photo("check.jpg")])
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


def test_rework_sends_the_case_back_with_a_note(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city, category=STREET_VENDING)
    act(client_for(tiny_city, "officer"), case, "report_back", files=[photo()])
    case.refresh_from_db()
    act(client_for(tiny_city, "inspector"), case, "rework", note="stall still there")
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.rework_count == 1


def test_merge_a_duplicate_from_the_suggestions(tiny_city: TinyCity) -> None:
    first = reported(tiny_city)
    second = reported(tiny_city)
    operator = client_for(tiny_city, "operator")
    detail = operator.get(url("staff:case", second.pk)).content.decode()
    assert f"Merge into {first.number}" in detail
    queue = operator.get(url("staff:queue")).content.decode()
    assert "Possible duplicates: 1" in queue
    act(operator, second, "merge", into=first.pk)
    second.refresh_from_db()
    assert second.state == CaseState.MERGED and second.merged_into_id == first.pk


def test_urge_from_the_overdue_board(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city, category=STREET_VENDING)
    Case.objects.filter(pk=case.pk).update(current_due="2020-01-01T00:00Z")
    dispatcher = client_for(tiny_city, "dispatcher")
    board = dispatcher.get(url("staff:overdue")).content.decode()
    assert case.number in board and 'value="urge"' in board
    dispatcher.post(url("staff:case_action", case.pk), {"action": "urge", "note": "hurry"})
    case.refresh_from_db()
    assert case.urge_count == 1


def test_extension_asked_by_the_unit_and_decided_by_the_dispatcher(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city, category=STREET_VENDING)
    act(
        client_for(tiny_city, "officer"),
        case,
        "request_extension",
        working_hours="4",
        reason="waiting for a crane",
    )
    assert case.extensions.count() == 1
    dispatcher = client_for(tiny_city, "dispatcher")
    assert 'value="decide_extension"' in dispatcher.get(url("staff:case", case.pk)).content.decode()
    act(dispatcher, case, "decide_extension", decision="approve")
    case.refresh_from_db()
    assert case.extension_count == 1


def test_return_to_the_dispatcher(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city, category=STREET_VENDING)
    act(client_for(tiny_city, "officer"), case, "return", reason="not on our streets")
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED


def test_a_unit_outside_the_case_may_not_act(tiny_city: TinyCity) -> None:
    case = dispatched(tiny_city, category=STREET_VENDING)
    response = client_for(tiny_city, "outsider").post(
        url("staff:case_action", case.pk), {"action": "accept", "version": case.version}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_an_action_not_allowed_to_the_role_is_refused_with_a_message(tiny_city: TinyCity) -> None:
    case = registered(tiny_city, category=STREET_VENDING)
    response = act(client_for(tiny_city, "operator"), case, "dispatch")
    assert "Your role may not do this" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED


def test_the_page_offers_only_the_allowed_actions(tiny_city: TinyCity) -> None:
    case = registered(tiny_city, at=EAST, category=STREET_VENDING)
    operator_page = client_for(tiny_city, "operator").get(url("staff:case", case.pk)).content.decode()
    assert 'value="dispatch"' not in operator_page and 'value="cancel"' in operator_page
    dispatcher_page = client_for(tiny_city, "dispatcher").get(url("staff:case", case.pk)).content.decode()
    assert 'value="dispatch"' in dispatcher_page and 'value="transfer"' in dispatcher_page
