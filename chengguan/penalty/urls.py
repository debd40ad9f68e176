from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "penalty"
urlpatterns: list[URLPattern | URLResolver] = []
