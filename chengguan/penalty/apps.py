from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def penalty_tick(now: dt.datetime) -> str:
    """Mark the overdue steps of the penalty procedure (``chengguan tick``)."""
    from chengguan.penalty.supervision import run_tick

    report = run_tick(now)
    return _("Penalty procedure: %(checked)s proceedings checked, %(overdue)s steps newly overdue.") % {
        "checked": report.checked,
        "overdue": report.marked_overdue,
    }


class PenaltyConfig(AppConfig):
    name = "chengguan.penalty"
    label = "penalty"
    verbose_name = gettext_lazy("Administrative penalty procedure")

    def ready(self) -> None:
        from chengguan.core.jobs import register_tick

        register_tick("penalty", penalty_tick)
