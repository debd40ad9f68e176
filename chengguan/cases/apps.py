from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "chengguan.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from chengguan.cases.selectors import open_deadline_years
        from chengguan.workdays.coverage import register_deadline_years

        # the holiday-table warning in the admin covers every year an open case's deadline falls in
        register_deadline_years(open_deadline_years)
