from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "chengguan.geo"
    label = "geo"
    verbose_name = _("Territory and maps")

    def ready(self) -> None:
        from chengguan.geo import signals  # noqa: F401  (bumps the territory version on changes)
