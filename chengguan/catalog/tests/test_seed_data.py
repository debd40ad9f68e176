"""The seed catalog (data/categories.json, loaded by migration) and the read helpers."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from chengguan.catalog.loading import load_catalog, parse_catalog, validate_catalog
from chengguan.catalog.models import (
    AttributionRule,
    Category,
    CategoryKind,
    MajorClass,
    Step,
    TimeUnit,
    Urgency,
)
from chengguan.catalog.selectors import (
    display_name,
    get_all_active_categories,
    get_category,
    get_time_limit,
)
from chengguan.core.errors import NotFound
from chengguan.org.models import Specialty, UnitKind

pytestmark = pytest.mark.django_db

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "categories.json"


def _file() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_the_seed_file_is_valid_and_says_the_codes_are_local() -> None:
    data = parse_catalog(DATA_FILE.read_bytes())
    assert validate_catalog(data) == []
    assert "0101" in data["source"] and "0102" in data["source"] and "GB/T 30428.2" in data["source"]
    assert "local" in data["source"].lower()


def test_the_migration_loaded_every_entry_of_the_file() -> None:
    data = _file()
    assert Category.objects.count() == len(data["categories"]) > 80
    assert MajorClass.objects.count() == len(data["major_classes"]) == 12


@pytest.mark.parametrize(("code", "name"), [("0101", "上水井盖"), ("0102", "污水井盖")])
def test_the_confirmed_manhole_covers_are_components_owner_first(code: str, name: str) -> None:
    category = get_category(kind=CategoryKind.COMPONENT, code=code)
    assert category.name_zh == name
    assert category.major.code == "01" and category.major.name_zh == "公用设施"
    assert category.attribution_rule == AttributionRule.OWNER_FIRST
    assert category.handling_unit_kind == UnitKind.DEPARTMENT
    assert category.handling_specialty == Specialty.WATER
    assert category.registration_criteria and category.closure_criteria


def test_events_are_territory_first_and_street_occupation_is_a_squadron_enforcement_matter() -> None:
    assert not Category.objects.filter(kind=CategoryKind.EVENT).exclude(
        attribution_rule=AttributionRule.TERRITORY_FIRST
    )
    assert get_category(kind=CategoryKind.EVENT, code="0501").name_zh == "无照经营"
    vending = get_category(kind=CategoryKind.EVENT, code="0504")
    assert vending.name_zh == "占道经营"
    assert vending.handling_unit_kind == UnitKind.SQUADRON
    assert vending.enforcement_link


def test_every_minor_code_starts_with_its_major_code_and_shares_its_kind() -> None:
    for category in Category.objects.select_related("major"):
        assert len(category.code) == 4 and category.code.isdigit(), category
        assert category.code.startswith(category.major.code), category
        assert category.kind == category.major.kind, category


def test_every_active_category_has_a_normal_handle_limit() -> None:
    active = list(get_all_active_categories())
    assert active
    for category in active:
        limit = get_time_limit(category=category, step=Step.HANDLE, urgency=Urgency.NORMAL)
        assert limit is not None and limit.amount > 0, category


def test_seeded_time_limits_follow_the_file() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    urgent = get_time_limit(category=cover, step=Step.HANDLE, urgency=Urgency.URGENT)
    assert (urgent.amount, urgent.unit) == (Decimal(2), TimeUnit.WORKING_HOURS)
    normal = get_time_limit(category=cover, step=Step.HANDLE, urgency=Urgency.NORMAL)
    assert (normal.amount, normal.unit) == (Decimal(1), TimeUnit.WORKING_DAYS)
    dispatch = get_time_limit(category=cover, step=Step.DISPATCH, urgency=Urgency.NORMAL)
    assert (dispatch.amount, dispatch.unit) == (Decimal("0.5"), TimeUnit.WORKING_HOURS)


def test_urgent_falls_back_to_normal() -> None:
    vending = get_category(kind=CategoryKind.EVENT, code="0504")
    assert not vending.time_limits.filter(step=Step.HANDLE, urgency=Urgency.URGENT).exists()
    urgent = get_time_limit(category=vending, step=Step.HANDLE, urgency=Urgency.URGENT)
    assert urgent is not None
    assert (urgent.urgency, urgent.amount, urgent.unit) == (Urgency.NORMAL, 2, TimeUnit.WORKING_HOURS)


def test_no_limit_for_a_step_is_none() -> None:
    vending = get_category(kind=CategoryKind.EVENT, code="0504")
    assert get_time_limit(category=vending, step=Step.ACCEPT, urgency=Urgency.URGENT) is None


def test_an_unknown_category_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        get_category(kind=CategoryKind.EVENT, code="0999")
    assert caught.value.field == "category"
    assert caught.value.to_dict()["code"] == "not_found"


def test_display_name_follows_the_language() -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    with translation.override("zh-hans"):
        assert display_name(cover) == "污水井盖"
        assert display_name(cover.major) == "公用设施"
    with translation.override("en"):
        assert display_name(cover) == "Sewage manhole cover"


def test_loading_the_seed_file_again_changes_nothing() -> None:
    report = load_catalog(parse_catalog(DATA_FILE.read_bytes()))
    assert (report.created, report.updated, report.majors_created, report.majors_updated) == ([], [], 0, 0)
    assert report.unchanged == Category.objects.count()
    assert set(Category.objects.values_list("version", flat=True)) == {1}
