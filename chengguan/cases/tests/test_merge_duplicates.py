"""Duplicates are proposed at intake; the operator merges one into the other or keeps both."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chengguan.cases import workflow
from chengguan.cases.duplicates import find_duplicates
from chengguan.cases.models import CaseEvent, CaseState
from chengguan.cases.selectors import get_merged_reports
from chengguan.cases.tests.builders import EAST, MONDAY, STREET_VENDING, WEST, registered, reported, submit
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity

NEAR_WEST = (WEST[0] + 0.0002, WEST[1])  # about 19 m east
FURTHER_WEST = (WEST[0] + 0.0004, WEST[1])  # about 39 m east


def test_a_second_report_nearby_is_proposed_as_a_duplicate(tiny_city: TinyCity) -> None:
    first = reported(tiny_city)

    second = submit(tiny_city, at=NEAR_WEST, by="citizen", source="citizen")

    assert second.duplicates == [first]


def test_duplicates_come_nearest_first(tiny_city: TinyCity) -> None:
    further = reported(tiny_city, at=FURTHER_WEST)
    nearer = reported(tiny_city, at=NEAR_WEST)

    result = submit(tiny_city, at=WEST)

    assert result.duplicates == [nearer, further]


def test_a_hotspot_proposes_only_the_nearest_few(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given more earlier reports around the spot than an operator can use (limits made small)
    monkeypatch.setattr("chengguan.cases.duplicates.MAX_PROPOSED", 2)
    monkeypatch.setattr("chengguan.cases.duplicates.MAX_CANDIDATES", 4)
    further = [reported(tiny_city, at=FURTHER_WEST) for _ in range(2)]
    nearer = [reported(tiny_city, at=NEAR_WEST) for _ in range(2)]

    # when another report comes in at the spot
    result = submit(tiny_city, at=WEST)

    # then only the two nearest are proposed
    assert result.duplicates == nearer
    assert not set(result.duplicates) & set(further)


def test_other_categories_far_away_old_or_closed_cases_are_not_duplicates(tiny_city: TinyCity) -> None:
    with time_machine.travel(MONDAY - dt.timedelta(days=4), tick=False):
        reported(tiny_city)  # 96 hours earlier: outside the 72-hour window
    with time_machine.travel(MONDAY, tick=False):
        reported(tiny_city, category=STREET_VENDING)  # another category
        reported(tiny_city, at=EAST)  # far away
        rejected = reported(tiny_city)
        workflow.reject(rejected.pk, actor=tiny_city.users["operator"], version=1, reason="无效")

        result = submit(tiny_city)

    assert result.duplicates == []


def test_the_operator_merges_a_duplicate_and_it_stays_visible_on_the_original(tiny_city: TinyCity) -> None:
    # given a registered case and a duplicate report of it
    original = registered(tiny_city)
    duplicate = submit(tiny_city, at=NEAR_WEST).case

    # when the operator merges the duplicate
    merged = workflow.merge(duplicate.pk, actor=tiny_city.users["operator"], version=1, into=original.pk)

    # then it is merged, not proposed any more, and listed on the original
    assert merged.state == CaseState.MERGED
    assert merged.merged_into == original
    assert merged.current_due is None
    assert list(get_merged_reports(original)) == [merged]
    assert find_duplicates(original) == []
    assert CaseEvent.objects.filter(case=original, action="report_merged").count() == 1


def test_keeping_both_needs_no_action(tiny_city: TinyCity) -> None:
    original = reported(tiny_city)
    duplicate = submit(tiny_city, at=NEAR_WEST).case

    kept = workflow.register(duplicate.pk, actor=tiny_city.users["operator"], version=1)

    assert kept.state == CaseState.REGISTERED
    assert kept.merged_into is None
    assert original.pk != kept.pk


@pytest.mark.parametrize("target", ["self", "closed", "missing"])
def test_a_report_is_only_merged_into_another_open_case(tiny_city: TinyCity, target: str) -> None:
    duplicate = reported(tiny_city)
    if target == "self":
        into = duplicate.pk
    elif target == "closed":
        other = reported(tiny_city)
        workflow.reject(other.pk, actor=tiny_city.users["operator"], version=1, reason="无效")
        into = other.pk
    else:
        into = 999_999

    with pytest.raises(InvalidInput) as refused:
        workflow.merge(duplicate.pk, actor=tiny_city.users["operator"], version=1, into=into)

    assert refused.value.field == "into"
