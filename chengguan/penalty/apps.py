from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltyConfig(AppConfig):
    name = "chengguan.penalty"
    label = "penalty"
    verbose_name = _("Administrative penalty procedure")
