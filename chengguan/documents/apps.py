from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "chengguan.documents"
    label = "documents"
    verbose_name = _("Enforcement documents")

    def ready(self) -> None:
        from chengguan.documents import builders  # noqa: F401  (registers the context builders)
