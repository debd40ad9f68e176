"""``/open311/``: GeoReport v2 under ``v2/``; discovery at ``discovery.{xml,json}`` and ``v2/discovery.{fmt}``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path
from django.views.generic import RedirectView

from chengguan.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    path("v2/", RedirectView.as_view(url="discovery.json", permanent=False), name="root"),
    re_path(rf"^v2/discovery{FMT}$", views.discovery, name="discovery-v2"),
    re_path(rf"^v2/services{FMT}$", views.service_list, name="services"),
    re_path(rf"^v2/services/(?P<code>[^/]+?){FMT}$", views.service_definition, name="service"),
    re_path(rf"^v2/requests{FMT}$", views.requests_, name="requests"),
    re_path(rf"^v2/requests/(?P<request_id>[^/]+?){FMT}$", views.request_detail, name="request"),
    re_path(rf"^v2/tokens/(?P<token>[^/]+?){FMT}$", views.token, name="token"),
    re_path(
        r"^v2/media/(?P<evidence_id>[0-9]{1,18})-(?P<digest>[0-9a-f]{16})\.(?P<extension>jpg|png|webp)$",
        views.media,
        name="media",
    ),
    re_path(rf"^v2/(?P<path>.*?){FMT}$", views.not_found, name="not-found"),
]
