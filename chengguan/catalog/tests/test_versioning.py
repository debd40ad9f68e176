"""Every change of a category is a new version with a revision holding the old values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chengguan.catalog.models import CategoryKind, CategoryRevision, Step, TimeUnit, Urgency
from chengguan.catalog.selectors import get_category, get_time_limit
from chengguan.catalog.services import update_category
from chengguan.core.errors import Conflict, InvalidInput
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db


def test_editing_a_category_bumps_its_version_and_keeps_the_old_values(tiny_city: TinyCity) -> None:
    admin = tiny_city.users["admin"]
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    old_criteria = cover.closure_criteria

    update_category(cover, actor=admin, closure_criteria="井盖恢复。", is_active=True)

    assert cover.version == 2
    assert cover.closure_criteria == "井盖恢复。"
    revision = CategoryRevision.objects.get(category=cover)
    assert revision.version == 2
    assert revision.actor == admin
    assert revision.changed_fields == ["closure_criteria"]
    assert revision.old_values["closure_criteria"] == old_criteria
    assert revision.old_values["version"] == 1
    assert revision.old_values["name_zh"] == "污水井盖"
    assert {"step": "handle", "urgency": "urgent", "amount": "2", "unit": "working_hours"} in (
        revision.old_values["time_limits"]
    )


def test_nothing_changed_is_no_new_version() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    update_category(cover, actor=None, name_zh="污水井盖")
    assert cover.version == 1
    assert not CategoryRevision.objects.exists()


def test_changing_time_limits_is_a_new_version() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0101")
    limits = [
        {"step": "handle", "urgency": "normal", "amount": "6", "unit": "working_hours"},
        {"step": "register", "urgency": "normal", "amount": 1, "unit": "working_hours"},
    ]
    update_category(cover, actor=None, time_limits=limits, note="test")

    assert cover.version == 2
    revision = cover.revisions.get()
    assert revision.changed_fields == ["time_limits"]
    assert len(revision.old_values["time_limits"]) == 6
    normal = get_time_limit(category=cover, step=Step.HANDLE, urgency=Urgency.URGENT)
    assert (normal.urgency, normal.amount, normal.unit) == (
        Urgency.NORMAL,
        Decimal(6),
        TimeUnit.WORKING_HOURS,
    )
    assert get_time_limit(category=cover, step=Step.VERIFY) is None


def test_two_edits_are_two_versions() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0101")
    update_category(cover, actor=None, name_en="Tap water manhole cover")
    update_category(cover, actor=None, name_en="Water manhole cover")
    assert cover.version == 3
    assert list(cover.revisions.values_list("version", "old_values__name_en")) == [
        (3, "Tap water manhole cover"),
        (2, "Water supply manhole cover"),
    ]


def test_a_refused_change_writes_nothing() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0101")
    with pytest.raises(InvalidInput) as caught:
        update_category(cover, actor=None, code="0201", name_en="moved")
    assert caught.value.field == "code"
    cover.refresh_from_db()
    assert (cover.code, cover.version, cover.name_en) == ("0101", 1, "Water supply manhole cover")
    assert not CategoryRevision.objects.exists()


def test_a_bad_time_limit_writes_nothing() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0101")
    with pytest.raises(InvalidInput):
        update_category(
            cover,
            actor=None,
            name_en="x",
            time_limits=[{"step": "handle", "urgency": "normal", "amount": "0", "unit": "working_days"}],
        )
    cover.refresh_from_db()
    assert (cover.version, cover.name_en, cover.time_limits.count()) == (1, "Water supply manhole cover", 6)


def test_a_stale_version_is_a_conflict() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0101")
    update_category(cover, actor=None, name_en="first")
    with pytest.raises(Conflict):
        update_category(cover, actor=None, expected_version=1, name_en="second")
    cover.refresh_from_db()
    assert (cover.version, cover.name_en) == (2, "first")
