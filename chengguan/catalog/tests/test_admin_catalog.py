"""The catalog admin: the admin role edits, the leader looks, every save is a new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chengguan.catalog.models import Category, CategoryKind, CategoryRevision
from chengguan.catalog.selectors import get_category
from chengguan.core.testing import TinyCity

pytestmark = pytest.mark.django_db

MODELS = ("category", "majorclass", "categoryrevision")


@pytest.mark.parametrize("model", MODELS)
def test_changelist_renders_for_the_admin_role(client: Any, tiny_city: TinyCity, model: str) -> None:
    client.force_login(tiny_city.users["admin"])
    response = client.get(reverse(f"admin:catalog_{model}_changelist"))
    assert response.status_code == 200
    if model == "category":
        assert "污水井盖" in response.content.decode()


def test_category_changelist_filters_and_searches(admin_client: Any) -> None:
    url = reverse("admin:catalog_category_changelist")
    html = admin_client.get(url, {"kind": "event", "handling_unit_kind": "squadron", "q": "占道"}).content
    assert "占道经营".encode() in html
    assert "污水井盖".encode() not in html


def test_the_leader_may_look_but_not_change(client: Any, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["leader"])
    assert client.get(reverse("admin:catalog_category_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_category_add")).status_code == 403


def test_change_and_add_pages_render(admin_client: Any) -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    assert admin_client.get(reverse("admin:catalog_category_change", args=[cover.pk])).status_code == 200
    assert admin_client.get(reverse("admin:catalog_category_add")).status_code == 200


def _form_data(category: Category, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "major": category.major_id,
        "code": category.code,
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "is_active": "on" if category.is_active else "",
        "attribution_rule": category.attribution_rule,
        "handling_unit_kind": category.handling_unit_kind,
        "handling_specialty": category.handling_specialty,
        "enforcement_link": "on" if category.enforcement_link else "",
        "registration_criteria": category.registration_criteria,
        "closure_criteria": category.closure_criteria,
        "standard": category.standard,
        "revisions-TOTAL_FORMS": category.revisions.count(),
        "revisions-INITIAL_FORMS": category.revisions.count(),
    }
    for i, revision in enumerate(category.revisions.order_by("-version")):
        data[f"revisions-{i}-id"] = revision.pk
        data[f"revisions-{i}-category"] = category.pk
    limits = list(category.time_limits.order_by("pk"))
    data["time_limits-TOTAL_FORMS"] = len(limits)
    data["time_limits-INITIAL_FORMS"] = len(limits)
    for i, limit in enumerate(limits):
        data.update(
            {
                f"time_limits-{i}-id": limit.pk,
                f"time_limits-{i}-category": category.pk,
                f"time_limits-{i}-step": limit.step,
                f"time_limits-{i}-urgency": limit.urgency,
                f"time_limits-{i}-amount": str(limit.amount),
                f"time_limits-{i}-unit": limit.unit,
            }
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_saving_through_the_admin_is_one_new_version(admin_client: Any, tiny_city: TinyCity) -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    handle = cover.time_limits.get(step="handle", urgency="urgent")
    index = list(cover.time_limits.order_by("pk")).index(handle)
    data = _form_data(cover, name_en="Sewer manhole cover", **{f"time_limits-{index}-amount": "3"})

    response = admin_client.post(reverse("admin:catalog_category_change", args=[cover.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    cover.refresh_from_db()
    assert (cover.version, cover.name_en) == (2, "Sewer manhole cover")
    handle.refresh_from_db()
    assert handle.amount == 3
    revision = CategoryRevision.objects.get(category=cover)
    assert revision.actor == tiny_city.users["admin"]
    assert set(revision.changed_fields) == {"name_en", "time_limits"}
    assert revision.old_values["name_en"] == "Sewage manhole cover"

    page = admin_client.get(reverse("admin:catalog_category_change", args=[cover.pk])).content.decode()
    assert "Sewage manhole cover" in page  # the old value, in the read-only history
    assert 'name="revisions-0-note"' not in page  # history is not editable

    cover.refresh_from_db()
    again = admin_client.post(
        reverse("admin:catalog_category_change", args=[cover.pk]), _form_data(cover, name_zh="污水井盖(排水)")
    )
    assert again.status_code == 302
    cover.refresh_from_db()
    assert (cover.version, cover.revisions.count()) == (3, 2)


def test_saving_unchanged_through_the_admin_is_no_new_version(admin_client: Any) -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    response = admin_client.post(reverse("admin:catalog_category_change", args=[cover.pk]), _form_data(cover))
    assert response.status_code == 302
    cover.refresh_from_db()
    assert cover.version == 1
    assert not CategoryRevision.objects.exists()


def test_adding_through_the_admin_records_who_created_it(admin_client: Any, tiny_city: TinyCity) -> None:
    major = get_category(kind=CategoryKind.EVENT, code="0504").major
    data = {
        "major": major.pk,
        "code": "0599",
        "name_zh": "占道洗车",
        "handling_unit_kind": "squadron",
        "is_active": "on",
        "time_limits-TOTAL_FORMS": 1,
        "time_limits-INITIAL_FORMS": 0,
        "time_limits-0-step": "handle",
        "time_limits-0-urgency": "normal",
        "time_limits-0-amount": "4",
        "time_limits-0-unit": "working_hours",
        "revisions-TOTAL_FORMS": 0,
        "revisions-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:catalog_category_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = get_category(kind=CategoryKind.EVENT, code="0599")
    assert (created.version, created.attribution_rule) == (1, "territory_first")
    assert created.time_limits.get().amount == 4
    assert created.revisions.get().actor == tiny_city.users["admin"]


def test_a_code_outside_its_major_class_is_refused(admin_client: Any) -> None:
    cover = get_category(kind=CategoryKind.COMPONENT, code="0102")
    response = admin_client.post(
        reverse("admin:catalog_category_change", args=[cover.pk]), _form_data(cover, code="0202")
    )
    assert response.status_code == 200
    cover.refresh_from_db()
    assert (cover.code, cover.version) == ("0102", 1)


def test_a_major_class_code_is_fixed_once_created(admin_client: Any) -> None:
    major = get_category(kind=CategoryKind.COMPONENT, code="0102").major
    page = admin_client.get(reverse("admin:catalog_majorclass_change", args=[major.pk])).content.decode()
    assert 'name="code"' not in page and 'name="name_zh"' in page
