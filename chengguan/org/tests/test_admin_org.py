"""The organisation admin: divisions, units and users."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shapely.geometry import box

from chengguan.core.testing import EAST_DISTRICT, WEST_DISTRICT, TinyCity
from chengguan.org.models import Division, User

pytestmark = pytest.mark.django_db

ORG_MODELS = ("division", "unit", "user")


def _objects(city: TinyCity) -> dict[str, object]:
    return {
        "division": city.districts[WEST_DISTRICT],
        "unit": city.units["west"],
        "user": city.users["officer"],
    }


@pytest.mark.parametrize("model", ORG_MODELS)
def test_changelist_renders_in_chinese(admin_client, model: str) -> None:
    response = admin_client.get(reverse(f"admin:org_{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert {"division": "选择 行政区划 来修改", "unit": "选择 单位 来修改", "user": "选择 用户 来修改"}[
        model
    ] in html


@pytest.mark.parametrize("model", ORG_MODELS)
def test_change_and_add_pages_render(admin_client, tiny_city: TinyCity, model: str) -> None:
    obj = _objects(tiny_city)[model]
    assert admin_client.get(reverse(f"admin:org_{model}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse(f"admin:org_{model}_add")).status_code == 200


def test_admin_index_lists_org_and_geo(admin_client) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    for name in (
        "org_division",
        "org_unit",
        "org_user",
        "geo_grid",
        "geo_road",
        "geo_beat",
        "geo_vendingzone",
    ):
        assert f"model-{name.split('_', 1)[1]}" in html, name


def test_division_boundary_widget_shows_sibling_divisions(admin_client, tiny_city: TinyCity) -> None:
    district = tiny_city.districts[WEST_DISTRICT]
    html = admin_client.get(reverse("admin:org_division_change", args=[district.pk])).content.decode()
    assert 'data-geo-widget="id_boundary_config"' in html
    start = html.index('<script id="id_boundary_config" type="application/json">')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    siblings = admin_client.get(config["contextUrl"]).json()
    assert sorted(f["properties"]["code"] for f in siblings["features"]) == [WEST_DISTRICT, EAST_DISTRICT]
    assert config["contextExclude"] == WEST_DISTRICT


def test_division_filters_by_level_and_district(admin_client, tiny_city: TinyCity) -> None:
    url = reverse("admin:org_division_changelist")
    response = admin_client.get(url, {"level": "street"})
    assert {d.code for d in response.context["cl"].result_list} == set(tiny_city.streets)
    response = admin_client.get(url, {"district": EAST_DISTRICT})
    assert {d.code for d in response.context["cl"].result_list} == {
        EAST_DISTRICT,
        EAST_DISTRICT + "001",
        EAST_DISTRICT + "001001",
    }


def test_division_boundary_edit_and_bad_geojson(admin_client, tiny_city: TinyCity) -> None:
    community = tiny_city.communities[WEST_DISTRICT + "001001"]
    url = reverse("admin:org_division_change", args=[community.pk])
    data = {
        "code": community.code,
        "name": community.name,
        "level": "community",
        "parent": str(community.parent_id),
        "_save": "1",
    }
    response = admin_client.post(url, {**data, "boundary": "{oops"})
    assert response.status_code == 200
    assert "boundary" in response.context["adminform"].form.errors
    new = box(121.53, 29.86, 121.55, 29.87)
    response = admin_client.post(url, {**data, "boundary": json.dumps(new.__geo_interface__)})
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.boundary.equals(new)


def test_division_code_rules_are_form_errors(admin_client, tiny_city: TinyCity) -> None:
    district = tiny_city.districts[WEST_DISTRICT]
    response = admin_client.post(
        reverse("admin:org_division_add"),
        {
            "code": "999999999",
            "name": "错街道",
            "level": "street",
            "parent": str(district.pk),
            "boundary": "",
        },
    )
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert not Division.objects.filter(code="999999999").exists()


def test_unit_territory_uses_filter_horizontal(admin_client, tiny_city: TinyCity) -> None:
    html = admin_client.get(
        reverse("admin:org_unit_change", args=[tiny_city.units["west"].pk])
    ).content.decode()
    assert "selectfilter" in html  # the two-box widget
    assert "admin/js/SelectFilter2.js" in html


def test_unit_filter_by_kind(admin_client, tiny_city: TinyCity) -> None:
    response = admin_client.get(reverse("admin:org_unit_changelist"), {"kind": "squadron"})
    assert {u.code for u in response.context["cl"].result_list} == {"CG-SQ1", "CG-SQ2"}


def test_user_list_filters_by_role_and_unit(admin_client, tiny_city: TinyCity) -> None:
    url = reverse("admin:org_user_changelist")
    response = admin_client.get(url, {"role": "officer"})
    assert {u.username for u in response.context["cl"].result_list} == {"officer", "outsider"}
    response = admin_client.get(url, {"unit__id__exact": tiny_city.units["west"].pk})
    assert {u.username for u in response.context["cl"].result_list} == {
        "inspector",
        "officer",
        "squadron_leader",
    }
    html = response.content.decode()
    assert "33020001" in html  # badge number column


def test_user_changelist_query_count_does_not_grow_with_rows(admin_client, tiny_city: TinyCity) -> None:
    url = reverse("admin:org_user_changelist")
    assert admin_client.get(url).status_code == 200  # warm: session, permissions
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for i in range(30):
        User.objects.create_user(f"extra{i}", unit=tiny_city.units["east"], name=f"队员{i}")
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 16


def test_user_change_form_has_organisation_fields(admin_client, tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    html = admin_client.get(reverse("admin:org_user_change", args=[officer.pk])).content.decode()
    for name in ("name", "unit", "phone", "badge_number"):
        assert f'name="{name}"' in html, name


def test_administrator_cannot_grant_superuser(admin_client, tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    html = admin_client.get(reverse("admin:org_user_change", args=[officer.pk])).content.decode()
    assert 'name="is_superuser"' not in html


def test_citizen_is_sent_to_login(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["citizen"])
    response = client.get(reverse("admin:org_division_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
