"""URLs of ``/api/v1/penalty/`` (namespace ``penalty``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from chengguan.penalty.api import views

app_name = "penalty"

router = SimpleRouter()
router.register("proceedings", views.ProceedingViewSet, basename="proceeding")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
