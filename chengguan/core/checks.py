"""System checks for dangerous setting combinations; they run at start-up (`check`, `migrate`, `runserver`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_time_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if not settings.USE_TZ:
        errors.append(Error("USE_TZ must be True: chengguan stores aware UTC times.", id="chengguan.E001"))
    if settings.TIME_ZONE != "UTC":
        errors.append(
            Error(
                "TIME_ZONE must stay 'UTC'; set the city's zone with CITY_TIME_ZONE instead.",
                id="chengguan.E003",
            )
        )
    return errors


@register(deploy=True)
def check_production_secret(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.DEBUG and settings.SECRET_KEY.startswith("chengguan-insecure"):
        return [
            Warning(
                "SECRET_KEY is the development key; set SECRET_KEY or SECRET_KEY_FILE for production.",
                id="chengguan.W002",
            )
        ]
    return []
