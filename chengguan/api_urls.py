"""``/api/``: the versioned REST API, its OpenAPI schema and the browsable docs (served offline)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("v1/", include("chengguan.cases.api.urls")),
    path("v1/", include("chengguan.evaluation.api_urls")),
    path("v1/enforcement/", include("chengguan.enforcement.urls")),
    path("v1/penalty/", include("chengguan.penalty.urls")),
    path("v1/seizures/", include("chengguan.seizures.urls")),
    path("v1/pledges/", include("chengguan.pledges.urls")),
    path("v1/documents/", include("chengguan.documents.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
