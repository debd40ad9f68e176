"""Pages of the citizen portal at the site root (``/`` Chinese, ``/en/`` English)."""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, path

from chengguan.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/<str:number>/receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("cases/<str:number>/", views.case_status, name="case"),
    path("cases/<str:number>/rate/", views.rate, name="rate"),
    path("closed/", views.closed_cases, name="closed_cases"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("laws/", views.laws, name="laws"),
    path("vending/", views.vending_map, name="vending"),
    path("map/zones.geojson", views.zones_geojson, name="zones_geojson"),
    path("map/city.geojson", views.city_geojson, name="city_geojson"),
    path("photos/<int:evidence_id>/", views.photo, name="photo"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/track/", views.petition_track, name="petition_track"),
    path("petitions/<str:number>/receipt/", views.petition_receipt, name="petition_receipt"),
    path("petitions/<str:number>/", views.petition_status, name="petition_status"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("my/", views.my_reports, name="my_reports"),
    path("office/petitions/", views.office_petitions, name="office_petitions"),
    path("office/petitions/<str:number>/", views.office_petition, name="office_petition"),
    path("office/callbacks/", views.office_callbacks, name="office_callbacks"),
    path("office/callbacks/<int:case_id>/", views.office_callback, name="office_callback"),
]
