"""``chengguan notify``: send the notification outbox (e-mail, SMS gateway); see cases/notifications.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.cases.notifications import send_pending


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _(
            "Send the notices that are due by e-mail and through the SMS gateway; safe to run every minute."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help=_("send at most this many notices"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError(_("--limit must be a positive number."), returncode=2)
        report = send_pending(limit=options["limit"])
        self.stdout.write(
            _("Sent: %(sent)s; to retry: %(retried)s; given up: %(given_up)s.")
            % {"sent": report.sent, "retried": report.retried, "given_up": report.given_up}
        )
