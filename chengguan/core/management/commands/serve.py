"""``serve``: serve chengguan on 127.0.0.1:8000 for a demo, with its static files."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


def addrport(host: str, port: int) -> str:
    """``host:port`` as runserver expects it (IPv6 addresses in brackets)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _("Serve chengguan on a local address (runserver without autoreload, static files included).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"))
        parser.add_argument("--port", type=int, default=8000, help=_("port to listen on (default 8000)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(_("The port must be between 1 and 65535."))
        call_command("collectstatic", interactive=False, verbosity=0)
        # The demo is served by Django's development server; static files come from the apps
        # (insecure serving), so it works with DEBUG off. Use gunicorn + nginx in production.
        call_command(
            "runserver",
            addrport(options["host"], options["port"]),
            use_reloader=False,
            insecure_serving=True,
            verbosity=options["verbosity"],
        )
