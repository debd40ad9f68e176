"""URLs of ``/api/v1/documents/`` (namespace ``documents``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from chengguan.documents.api import views as api

app_name = "documents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.DocumentListView.as_view(), name="document-list"),
    path("<str:pk>/", api.DocumentDetailView.as_view(), name="document-detail"),
]
