"""URLs of ``/api/v1/`` (namespace ``api``)."""

from __future__ import annotations

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from chengguan.cases import views as case_views
from chengguan.cases.api import quick, views

app_name = "api"

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")

urlpatterns = [
    # POST: a field app's JSON report takes the quick path (quick.py); everything else the viewset
    path("cases/", quick.cases_collection, name="case-list"),
    *router.urls,
    path("extensions/<str:pk>/decide/", views.ExtensionDecideView.as_view(), name="extension-decide"),
    path("locate/", views.LocateView.as_view(), name="locate"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("auth/token/", obtain_auth_token, name="auth-token"),
    # the camera-analytics webhook: its own HMAC authentication (chengguan/cases/views.py)
    path("intake/camera/", case_views.camera_intake, name="camera_webhook"),
]
