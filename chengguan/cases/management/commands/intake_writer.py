"""``chengguan intake_writer``: store the reports of every server worker in one process (cases/writer.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chengguan.cases import writer


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _(
            "Store the reports of all server workers in one process, in batches; the workers find it "
            "at INTAKE_WRITER_SOCKET. Runs until stopped (SIGTERM)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--socket", default="", help=_("the socket to serve (default: the INTAKE_WRITER_SOCKET setting)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["socket"] or settings.INTAKE_WRITER_SOCKET
        if not path:
            raise CommandError(_("Give --socket or set INTAKE_WRITER_SOCKET."), returncode=2)
        self.stdout.write(_("Intake writer serving %(path)s.") % {"path": path})
        self.stdout.flush()
        try:
            served = writer.run(path)
        except OSError as exc:
            raise CommandError(
                _("Cannot serve %(path)s: %(reason)s") % {"path": path, "reason": exc}, returncode=1
            ) from exc
        self.stdout.write(
            _("Intake writer stopped: %(reports)s reports stored in %(batches)s transactions.")
            % {"reports": served.reports, "batches": served.batches}
        )
