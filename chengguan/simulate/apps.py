from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulateConfig(AppConfig):
    name = "chengguan.simulate"
    label = "simulate"
    verbose_name = _("Demo city")
