"""The admin page that imports territory GeoJSON files, and the GeoJSON downloads."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chengguan.core.testing import WEST_DISTRICT, TinyCity
from chengguan.geo.exchange import export_layer
from chengguan.geo.models import Grid

pytestmark = pytest.mark.django_db


def _upload(name: str, data: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/geo+json")


def test_page_renders_with_form_and_download_links(admin_client) -> None:
    response = admin_client.get(reverse("geo_admin:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert 'type="file"' in html and "multiple" in html
    assert 'name="dry_run"' in html and 'name="crs"' in html
    for layer in ("divisions", "grids", "roads", "beats", "vending_zones"):
        assert reverse("geo_admin:export", args=[layer]) + "?crs=gcj02" in html


def test_dry_run_reports_counts_and_writes_nothing(admin_client, tiny_city: TinyCity) -> None:
    collection = export_layer("grids")
    code = WEST_DISTRICT + "001001001"
    for feature in collection["features"]:
        if feature["properties"]["code"] == code:
            feature["properties"]["name"] = "改名网格"
    response = admin_client.post(
        reverse("geo_admin:import"),
        {"files": [_upload("grids.geojson", collection)], "crs": "wgs84", "dry_run": "on"},
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and not report.written
    assert response.context["counts"][0]["updated"] == len(tiny_city.grids)
    assert Grid.objects.get(code=code).name == ""


def test_import_writes_when_not_a_dry_run(admin_client, tiny_city: TinyCity) -> None:
    collection = export_layer("grids")
    code = WEST_DISTRICT + "001001001"
    for feature in collection["features"]:
        if feature["properties"]["code"] == code:
            feature["properties"]["name"] = "改名网格"
    response = admin_client.post(
        reverse("geo_admin:import"), {"files": [_upload("grids.geojson", collection)], "crs": "wgs84"}
    )
    assert response.status_code == 200
    assert response.context["report"].written
    assert Grid.objects.get(code=code).name == "改名网格"


def test_problems_are_listed_and_nothing_is_written(admin_client, tiny_city: TinyCity) -> None:
    collection = export_layer("grids")
    collection["features"][0]["properties"]["code"] = "12345"
    collection["features"][1]["geometry"] = {"type": "Polygon", "coordinates": "nonsense"}
    response = admin_client.post(
        reverse("geo_admin:import"), {"files": [_upload("grids.geojson", collection)], "crs": "wgs84"}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok and not report.written
    html = response.content.decode()
    assert "geo-problems" in html
    assert "features[0]" in html and "features[1]" in html
    assert not Grid.objects.filter(code="12345").exists()


def test_not_json_is_a_report_not_a_500(admin_client) -> None:
    bad = SimpleUploadedFile("grids.geojson", b"{not json", content_type="application/geo+json")
    response = admin_client.post(reverse("geo_admin:import"), {"files": [bad], "dry_run": "on"})
    assert response.status_code == 200
    assert not response.context["report"].ok


def test_missing_files_is_a_form_error(admin_client) -> None:
    response = admin_client.post(reverse("geo_admin:import"), {"crs": "wgs84", "dry_run": "on"})
    assert response.status_code == 200
    assert "files" in response.context["form"].errors
    assert response.context["report"] is None


def test_only_administrators_may_import(client, tiny_city: TinyCity) -> None:
    client.force_login(tiny_city.users["leader"])  # staff, but not an administrator
    assert client.get(reverse("geo_admin:import")).status_code == 403
    collection = export_layer("grids")
    response = client.post(reverse("geo_admin:import"), {"files": [_upload("grids.geojson", collection)]})
    assert response.status_code == 403


def test_export_is_a_geojson_attachment_in_the_chosen_crs(admin_client, tiny_city: TinyCity) -> None:
    response = admin_client.get(reverse("geo_admin:export", args=["grids"]), {"crs": "gcj02"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert response["Content-Disposition"] == 'attachment; filename="grids-gcj02.geojson"'
    data = json.loads(response.content)
    assert data["crs_name"] == "gcj02"
    assert len(data["features"]) == len(tiny_city.grids)
    # GCJ-02 is shifted by some hundreds of metres from the stored WGS84 in China
    x = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert abs(x - 121.53) > 0.001


def test_export_bad_crs_is_400(admin_client) -> None:
    response = admin_client.get(reverse("geo_admin:export", args=["grids"]), {"crs": "mars"})
    assert response.status_code == 400
    assert response.json()["field"] == "crs"


def test_export_needs_staff(client, tiny_city: TinyCity) -> None:
    assert client.get(reverse("geo_admin:export", args=["grids"])).status_code == 302
    client.force_login(tiny_city.users["citizen"])
    assert client.get(reverse("geo_admin:export", args=["grids"])).status_code == 302
