"""The territory admin: changelists, change pages, map widget, query counts, the city map page."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shapely.geometry import box

from chengguan.core.testing import WEST_DISTRICT, TinyCity
from chengguan.geo.models import Grid

pytestmark = pytest.mark.django_db

GEO_MODELS = ("grid", "road", "beat", "vendingzone")
CHINESE_NAMES = {"grid": "单元网格", "road": "道路", "beat": "责任区段", "vendingzone": "疏导点"}


def _objects(city: TinyCity) -> dict[str, object]:
    return {
        "grid": next(iter(city.grids.values())),
        "road": city.road,
        "beat": city.beats["west"],
        "vendingzone": city.zone,
    }


@pytest.mark.parametrize("model", GEO_MODELS)
def test_changelist_renders_in_chinese_by_default(admin_client, model: str) -> None:
    response = admin_client.get(reverse(f"admin:geo_{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # type: ignore[union-attr]
    assert title == f"选择 {CHINESE_NAMES[model]} 来修改 | 城管系统管理"
    assert "辖区与地图" in html  # the app's name in the breadcrumbs
    # geometry is never shown in a list page
    assert '"type": "Polygon"' not in html and "LineString" not in html


@pytest.mark.parametrize("model", GEO_MODELS)
def test_change_page_renders_map_widget(admin_client, tiny_city: TinyCity, model: str) -> None:
    obj = _objects(tiny_city)[model]
    response = admin_client.get(reverse(f"admin:geo_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-geo-widget="id_geometry_config"' in html
    assert 'name="geometry"' in html  # the textarea still works without JavaScript
    assert "geo/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "geo/geometry-widget.js" in html


@pytest.mark.parametrize("model", GEO_MODELS)
def test_add_page_renders(admin_client, model: str) -> None:
    response = admin_client.get(reverse(f"admin:geo_{model}_add"))
    assert response.status_code == 200


def test_english_admin_under_en_prefix(admin_client) -> None:
    response = admin_client.get("/en/admin/geo/grid/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "unit grid" in html.lower()


def _widget_config(html: str) -> dict:
    match = re.search(r'<script id="id_geometry_config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "widget config missing"
    return json.loads(match.group(1))


def test_grid_widget_shows_the_other_grids_of_its_community(admin_client, tiny_city: TinyCity) -> None:
    grid = tiny_city.grids[WEST_DISTRICT + "001001001"]
    html = admin_client.get(reverse("admin:geo_grid_change", args=[grid.pk])).content.decode()
    config = _widget_config(html)
    assert config["draw"] == ["polygon"]
    assert config["contextExclude"] == grid.code
    assert config["extent"] == [121.53, 29.86, 121.57, 29.88]  # the city's extent, for empty fields
    assert config["tileUrl"] == ""  # no tile server: no internet needed
    data = admin_client.get(config["contextUrl"]).json()
    codes = sorted(f["properties"]["code"] for f in data["features"])
    assert codes == sorted(c for c in tiny_city.grids if c.startswith(grid.community.code))


def test_beat_widget_allows_lines_and_polygons(admin_client, tiny_city: TinyCity) -> None:
    html = admin_client.get(
        reverse("admin:geo_beat_change", args=[tiny_city.beats["west"].pk])
    ).content.decode()
    assert _widget_config(html)["draw"] == ["polygon", "line"]


def _grid_post_data(grid: Grid, geometry: str) -> dict[str, str]:
    return {
        "code": grid.code,
        "name": grid.name,
        "community": str(grid.community_id),
        "inspector": str(grid.inspector_id or ""),
        "geometry": geometry,
        "_save": "1",
    }


def test_editing_grid_geometry_with_geojson_updates_it(admin_client, tiny_city: TinyCity) -> None:
    grid = tiny_city.grids[WEST_DISTRICT + "001001001"]
    old_area = grid.area_m2
    smaller = box(121.53, 29.875, 121.535, 29.88)
    url = reverse("admin:geo_grid_change", args=[grid.pk])
    response = admin_client.post(url, _grid_post_data(grid, json.dumps(smaller.__geo_interface__)))
    assert response.status_code == 302, response.content.decode()[:2000]
    grid.refresh_from_db()
    assert grid.geometry.equals(smaller)
    assert grid.area_m2 == pytest.approx(old_area / 4, rel=0.01)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"type": "Polygon", "coordinates": [[[121.53, 29.87], ', "not valid GeoJSON"),
        ('{"type": "LineString", "coordinates": [[121.53, 29.87], [121.54, 29.87]]}', "wrong type"),
        ('{"type": "Polygon", "coordinates": "nonsense"}', "not a geometry"),
    ],
)
def test_invalid_geojson_is_a_form_error_on_the_field(
    admin_client, tiny_city: TinyCity, text: str, why: str
) -> None:
    grid = tiny_city.grids[WEST_DISTRICT + "001001001"]
    before = grid.geometry
    response = admin_client.post(
        reverse("admin:geo_grid_change", args=[grid.pk]), _grid_post_data(grid, text)
    )
    assert response.status_code == 200, why
    errors = response.context["adminform"].form.errors
    assert "geometry" in errors, why
    assert "errors field-geometry" in response.content.decode()
    grid.refresh_from_db()
    assert grid.geometry.equals(before)


def test_grid_filters_by_code_prefix(admin_client, tiny_city: TinyCity) -> None:
    url = reverse("admin:geo_grid_changelist")
    for param, value in (
        ("district", WEST_DISTRICT),
        ("street", WEST_DISTRICT + "001"),
        ("community_code", WEST_DISTRICT + "001001"),
    ):
        response = admin_client.get(url, {param: value})
        assert response.status_code == 200
        shown = {g.code for g in response.context["cl"].result_list}
        assert shown == {c for c in tiny_city.grids if c.startswith(WEST_DISTRICT)}, param


def test_grid_search_by_code(admin_client, tiny_city: TinyCity) -> None:
    code = WEST_DISTRICT + "001001003"
    response = admin_client.get(reverse("admin:geo_grid_changelist"), {"q": code})
    assert [g.code for g in response.context["cl"].result_list] == [code]


def test_grid_changelist_query_count_does_not_grow_with_rows(admin_client, tiny_city: TinyCity) -> None:
    url = reverse("admin:geo_grid_changelist")
    assert admin_client.get(url).status_code == 200  # warm: session, permissions
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    community = tiny_city.grids[WEST_DISTRICT + "001001001"].community
    for seq in range(5, 45):
        Grid.objects.create(
            code=f"{community.code}{seq:03d}",
            community=community,
            geometry=box(121.53, 29.86, 121.531, 29.861),
            inspector=tiny_city.users["inspector"],
        )
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 17


def test_non_staff_citizen_is_sent_to_login(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["citizen"])
    for url in (
        reverse("admin:geo_grid_changelist"),
        reverse("geo_admin:map"),
        reverse("admin:org_unit_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_staff_without_role_or_permission_cannot_change_grids(client, tiny_city: TinyCity) -> None:
    officer = tiny_city.users["officer"]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get(reverse("admin:geo_grid_changelist")).status_code == 403


def test_leader_may_look_but_not_change(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["leader"])
    grid = next(iter(tiny_city.grids.values()))
    assert client.get(reverse("admin:geo_grid_changelist")).status_code == 200
    assert client.get(reverse("admin:geo_grid_change", args=[grid.pk])).status_code == 200
    assert client.get(reverse("geo_admin:map")).status_code == 200
    response = client.post(reverse("admin:geo_grid_change", args=[grid.pk]), _grid_post_data(grid, ""))
    assert response.status_code == 403


def test_city_map_page_uses_only_local_files(admin_client) -> None:
    response = admin_client.get(reverse("geo_admin:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    assert tags
    for tag in tags:
        assert "http://" not in tag and "https://" not in tag and "//" not in tag.replace("://", ""), tag
    assert "geo/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "geo/city-map.js" in html


def test_city_map_config_lists_every_layer(admin_client, tiny_city: TinyCity) -> None:
    html = admin_client.get(reverse("geo_admin:map")).content.decode()
    match = re.search(r'<script id="city-map-config" type="application/json">(.*?)</script>', html, re.S)
    config = json.loads(match.group(1))
    keys = [layer["key"] for layer in config["layers"]]
    assert keys[:4] == ["districts", "streets", "communities", "grids"]
    assert {"roads-main", "roads-secondary", "roads-alley", "vending_zones"} <= set(keys)
    assert {"beats-CG-SQ1", "beats-CG-SQ2"} <= set(keys)
    assert config["names"]["squadron"]["CG-SQ1"] == "鼓楼中队"
    assert config["names"]["officer"]["officer"] == "陈刚"
    for layer in config["layers"]:
        assert admin_client.get(layer["url"]).status_code == 200, layer["url"]


def test_admin_index_links_to_the_map(admin_client) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse("geo_admin:map") in html
    assert reverse("geo_admin:import") in html


def test_vendored_files_exist_with_licences() -> None:
    from django.contrib.staticfiles import finders

    from chengguan.geo import assets

    for path in (
        assets.LEAFLET_JS,
        assets.LEAFLET_CSS,
        assets.GEOMAN_JS,
        assets.GEOMAN_CSS,
        assets.MAPS_CSS,
        assets.MAPS_COMMON_JS,
        assets.GEOMETRY_WIDGET_JS,
        assets.CITY_MAP_JS,
        f"{assets.LEAFLET_DIR}/LICENSE",
        f"{assets.GEOMAN_DIR}/LICENSE",
        f"{assets.LEAFLET_DIR}/images/marker-icon.png",
    ):
        assert finders.find(path), path


def test_grid_changelist_reads_no_geometry(admin_client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert admin_client.get(reverse("admin:geo_grid_changelist")).status_code == 200
    rows_sql = [
        q["sql"] for q in ctx.captured_queries if 'FROM "geo_grid"' in q["sql"] and "COUNT" not in q["sql"]
    ]
    assert rows_sql
    for sql in rows_sql:
        assert '"geometry"' not in sql and '"boundary"' not in sql
