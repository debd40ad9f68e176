"""The `chengguan` console command: a thin wrapper over Django's management commands.

chengguan demo            migrate, load the demo city if the database is empty, serve
chengguan serve           serve on 127.0.0.1:8000 (like runserver, without autoreload)
chengguan locate LON LAT  who is responsible for a point
chengguan import / export the territory as GeoJSON
chengguan tick            supervision: mark overdue cases, escalate, warn (every minute, from cron)
chengguan evaluate --month 2026-10   the monthly ranking of units, people and areas
chengguan audit verify    prove the audit chain, or name the first tampered entry
chengguan intake_writer   store the reports of all server workers (a service; see README)
chengguan <any Django management command>
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": "serve",
    "import": "import_territory",
    "export": "export_territory",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    args = list(sys.argv if argv is None else argv)
    prog = "chengguan"
    rest = args[1:]
    if not rest or rest == ["help"] or rest[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n")
    if rest and rest[0] in ALIASES:
        rest[0] = ALIASES[rest[0]]
    elif len(rest) >= 2 and rest[0] == "help" and rest[1] in ALIASES:
        rest[1] = ALIASES[rest[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line([prog, *rest])


if __name__ == "__main__":
    main()
