from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def seizures_tick(now: dt.datetime) -> str:
    """Warn before seizure terms run out and release those that lapsed (``chengguan tick``)."""
    from chengguan.seizures.supervision import run_tick

    report = run_tick(now)
    return _(
        "Seizures: %(checked)s in force checked, %(due_soon)s due soon, %(expired)s released on expiry."
    ) % {
        "checked": report.checked,
        "due_soon": report.due_soon,
        "expired": report.expired,
    }


class SeizuresConfig(AppConfig):
    name = "chengguan.seizures"
    label = "seizures"
    verbose_name = gettext_lazy("Seizures and obstruction incidents")

    def ready(self) -> None:
        from chengguan.core.jobs import register_tick

        register_tick("seizures", seizures_tick)
