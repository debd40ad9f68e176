"""``chengguan tick``: run the supervision job once (mark overdue, escalate, warn)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.cases.supervision import run_tick
from chengguan.core.clock import city_zone
from chengguan.core.jobs import tick_jobs


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _("Mark overdue cases, escalate them up the unit hierarchy and warn units that keep failing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", default=None, help=_("run as if it were this moment (ISO 8601)"))

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["at"]:
            try:
                now = dt.datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(
                    _("--at must be an ISO 8601 date and time, got %(value)r") % {"value": options["at"]},
                    returncode=2,
                ) from None
            if now.tzinfo is None:
                now = now.replace(tzinfo=city_zone())
        report = run_tick(now)
        if report.skipped:
            self.stdout.write(_("Another tick is running; nothing done."))
            return
        self.stdout.write(
            _("Marked overdue: %(overdue)s; escalated: %(escalated)s; warnings: %(warnings)s.")
            % {"overdue": report.marked_overdue, "escalated": report.escalated, "warnings": report.warnings}
        )
        for _name, job in tick_jobs():
            self.stdout.write(job(now or timezone.now()))
