"""GET /api/schema/ and /api/docs/: the OpenAPI schema generates and the docs work without internet."""

from __future__ import annotations

import re

import pytest
from django.test import Client

API_PATHS = [
    "/api/v1/cases/",
    "/api/v1/cases/{id}/",
    "/api/v1/cases/{id}/register/",
    "/api/v1/cases/{id}/reject/",
    "/api/v1/cases/{id}/merge/",
    "/api/v1/cases/{id}/dispatch/",
    "/api/v1/cases/{id}/accept/",
    "/api/v1/cases/{id}/return/",
    "/api/v1/cases/{id}/report-back/",
    "/api/v1/cases/{id}/verify/",
    "/api/v1/cases/{id}/extension/",
    "/api/v1/cases/{id}/suspend/",
    "/api/v1/cases/{id}/resume/",
    "/api/v1/cases/{id}/transfer/",
    "/api/v1/cases/{id}/cancel/",
    "/api/v1/cases/{id}/urge/",
    "/api/v1/cases/{id}/evidence/{evidence_id}/",
    "/api/v1/extensions/{id}/decide/",
    "/api/v1/locate/",
    "/api/v1/categories/",
    "/api/v1/auth/token/",
]


@pytest.mark.django_db
def test_it_serves_an_openapi_schema_with_every_path_of_the_api(client: Client) -> None:
    # when
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    # then
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    missing = [path for path in API_PATHS if path not in schema["paths"]]
    assert missing == []


@pytest.mark.django_db
def test_the_schema_documents_the_intake_body_and_the_error_shape(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert {"201", "200", "400", "409", "422", "429"} <= set(create["responses"])
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "code",
        "message",
        "field",
        "details",
    }


@pytest.mark.django_db
def test_the_docs_page_loads_only_local_static_files(client: Client) -> None:
    # when
    response = client.get("/api/docs/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, "the page references its scripts and styles"
    assert [u for u in urls if not u.startswith("/static/")] == []
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert re.search(r"https?://", html) is None
