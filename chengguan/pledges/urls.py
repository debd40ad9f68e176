"""URLs of ``/api/v1/pledges/`` (namespace ``pledges``): ``shops/`` and ``pledges/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from chengguan.pledges.api import views

app_name = "pledges"

router = SimpleRouter()
router.register("shops", views.ShopViewSet, basename="shop")
router.register("pledges", views.PledgeViewSet, basename="pledge")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
