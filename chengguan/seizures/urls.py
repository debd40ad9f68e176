"""URLs of ``/api/v1/seizures/`` (namespace ``seizures``): ``incidents/`` and the seizures at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from chengguan.seizures.api import views

app_name = "seizures"

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("", views.SeizureViewSet, basename="seizure")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
