"""access_case: the only way request code gets a case (role + territory; units; own reports)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from chengguan.cases import workflow
from chengguan.cases.access import access_case, get_cases_visible_to
from chengguan.cases.errors import CaseNotFound
from chengguan.cases.tests.builders import EAST, dispatched, reported
from chengguan.core.errors import AccessDenied, NotFound
from chengguan.core.testing import TinyCity


@pytest.mark.parametrize(
    "who", ["admin", "leader", "operator", "dispatcher", "inspector", "officer", "squadron_leader"]
)
def test_staff_whose_territory_covers_the_case_see_it(tiny_city: TinyCity, who: str) -> None:
    case = reported(tiny_city)

    assert access_case(tiny_city.users[who], case.pk) == case


def test_an_officer_of_another_territory_is_denied(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with pytest.raises(AccessDenied):
        access_case(tiny_city.users["outsider"], case.pk)


def test_members_of_the_assigned_unit_see_the_case_wherever_it_is(tiny_city: TinyCity) -> None:
    # the east squadron is sent a case in the west
    case = dispatched(tiny_city, category="event:0504")
    case = workflow.return_case(case.pk, actor=tiny_city.users["officer"], version=case.version, reason="x")
    case = workflow.dispatch(
        case.pk, actor=tiny_city.users["dispatcher"], version=case.version, unit=tiny_city.units["east"].pk
    )

    assert access_case(tiny_city.users["outsider"], case.pk) == case
    assert case in get_cases_visible_to(tiny_city.users["outsider"])


def test_a_citizen_sees_only_their_own_reports(tiny_city: TinyCity) -> None:
    own = reported(tiny_city, by="citizen", source="citizen")
    other = reported(tiny_city)

    assert access_case(tiny_city.users["citizen"], own.pk) == own
    with pytest.raises(NotFound):
        access_case(tiny_city.users["citizen"], other.pk)
    assert list(get_cases_visible_to(tiny_city.users["citizen"])) == [own]


def test_an_anonymous_visitor_sees_nothing(tiny_city: TinyCity) -> None:
    case = reported(tiny_city, by=None, source="citizen")

    with pytest.raises(NotFound):
        access_case(AnonymousUser(), case.pk)
    with pytest.raises(NotFound):
        access_case(None, case.pk)
    assert not get_cases_visible_to(AnonymousUser()).exists()


def test_a_missing_case_is_not_found(tiny_city: TinyCity) -> None:
    with pytest.raises(CaseNotFound):
        access_case(tiny_city.users["admin"], 424242)
    with pytest.raises(CaseNotFound):
        access_case(tiny_city.users["admin"], "abc")


def test_the_visible_list_follows_the_territory(tiny_city: TinyCity) -> None:
    west = reported(tiny_city)
    east = reported(tiny_city, at=EAST)

    assert set(get_cases_visible_to(tiny_city.users["officer"])) == {west}
    assert set(get_cases_visible_to(tiny_city.users["outsider"])) == {east}
    assert set(get_cases_visible_to(tiny_city.users["dispatcher"])) == {west, east}
    assert set(get_cases_visible_to(tiny_city.users["leader"])) == {west, east}
