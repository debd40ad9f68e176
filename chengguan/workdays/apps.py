from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "chengguan.workdays"
    label = "workdays"
    verbose_name = _("Working days and time limits")

    def ready(self) -> None:
        from chengguan.workdays import signals  # noqa: F401  (clears the calendar cache on changes)
