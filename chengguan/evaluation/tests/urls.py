"""The evaluation API mounted as the project will mount it, for tests."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("chengguan.evaluation.api_urls"))]
