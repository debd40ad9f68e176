"""``demo``: migrate, load the demo city into an empty database, print the log-ins, serve."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chengguan.org.models import Division, User
from chengguan.org.roles import Role
from chengguan.simulate.democity import DEMO_PASSWORD, DemoLogin, load_demo_city
from chengguan.simulate.demoday import simulate_day

DEMO_USERS = [
    (Role.CITIZEN, "citizen"),
    (Role.INSPECTOR, "wang"),
    (Role.OPERATOR, "li"),
    (Role.DISPATCHER, "zhao"),
    (Role.OFFICER, "chen"),
    (Role.AUXILIARY, "wu"),
    (Role.SQUADRON_LEADER, "zhou"),
    (Role.DEPARTMENT, "sun"),
    (Role.LEGAL_REVIEWER, "qian"),
    (Role.LEADER, "liu"),
    (Role.ADMIN, "admin"),
]
LANGUAGES = ("zh-hans", "en")
Seeder = tuple[str, Callable[[], Any]]
# Reports of the demo morning (about ten seconds of work through the real workflow).
DEMO_DAY_REPORTS = 80


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def bilingual(message: str, **values: Any) -> list[str]:
    """``message`` (marked with gettext_noop) in Chinese and in English; once if both read the same."""
    lines: list[str] = []
    for language in LANGUAGES:
        with translation.override(language):
            line = _(message) % values if values else _(message)
        if line not in lines:
            lines.append(line)
    return lines


def format_logins(logins: list[DemoLogin]) -> str:
    """The log-ins as a table with Chinese and English headings, aligned for CJK text."""
    headings = []
    for key in (
        gettext_noop("User name"),
        gettext_noop("Role"),
        gettext_noop("Name"),
        gettext_noop("Unit"),
        gettext_noop("Password"),
    ):
        headings.append(" / ".join(bilingual(key)))
    rows = []
    for login in logins:
        labels = []
        for language in LANGUAGES:
            with translation.override(language):
                label = str(Role(login.role).label)
            if label not in labels:
                labels.append(label)
        rows.append([login.username, " / ".join(labels), login.name, login.unit, login.password])
    widths = [max(_width(r[i]) for r in [headings, *rows]) for i in range(len(headings))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [headings, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def existing_logins() -> list[DemoLogin]:
    """The demo log-ins that exist in the database (for a city loaded earlier)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[n for _r, n in DEMO_USERS]).select_related("unit")
    }
    return [
        DemoLogin(
            username=username,
            name=users[username].name,
            role=role.value,
            unit=users[username].unit.name if users[username].unit else "",
            password=DEMO_PASSWORD,
        )
        for role, username in DEMO_USERS
        if username in users
    ]


def demo_seeders() -> tuple[list[Seeder], list[Seeder]]:
    """The other apps' demo data (each idempotent): those loaded before the demo morning's
    reports, and those that need its cases (the portal publishes closed ones)."""
    from chengguan.documents.demo import seed_demo as documents
    from chengguan.enforcement.demo import seed_demo as enforcement
    from chengguan.open311.demo import seed_demo as open311
    from chengguan.penalty.demo import seed_demo as penalty
    from chengguan.pledges.demo import seed_demo as pledges
    from chengguan.portal.demo import seed_demo as portal

    before = [
        ("penalty", penalty),
        ("enforcement", enforcement),
        ("documents", documents),
        ("pledges", pledges),
        ("open311", open311),
    ]
    return before, [("portal", portal)]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _("Prepare the database, load the demo city if the database is empty, and serve the site.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help=_("seed of the demo city (default 2026)"))
        parser.add_argument("--no-serve", action="store_true", help=_("stop after loading; do not serve"))
        parser.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"))
        parser.add_argument("--port", type=int, default=8000, help=_("port to listen on (default 8000)"))

    def seed_apps(self, seed: int, verbosity: int) -> None:
        """The other apps' demo data, then a morning of reports through the real workflow."""
        before, after = demo_seeders()
        for _label, seeder in before:
            seeder()
        day = simulate_day(seed, reports=DEMO_DAY_REPORTS)
        for _label, seeder in after:
            seeder()
        if verbosity:
            self.stdout.write(
                _(
                    "A morning of reports: %(cases)d cases, %(closed)d of them closed, %(open)d in the work lists."
                )
                % {
                    "cases": day.cases,
                    "closed": day.outcomes["closed"],
                    "open": day.cases - sum(day.outcomes[s] for s in ("closed", "rejected", "merged")),
                }
            )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        if verbosity:
            self.stdout.write(_("Preparing the database …"))
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if Division.objects.exists():
            if verbosity:
                self.stdout.write(_("The database already holds a city; it is kept as it is."))
            logins = existing_logins()
        else:
            report = load_demo_city(options["seed"], progress=verbosity > 0)
            logins = report.logins
            if verbosity:
                self.stdout.write(
                    _(
                        "Demo city loaded in %(seconds).1f s: %(districts)d districts, %(streets)d streets, "
                        "%(communities)d communities, %(grids)d grids, %(roads)d roads, %(beats)d beats, "
                        "%(zones)d vending zones, %(users)d users."
                    )
                    % {
                        "seconds": report.seconds,
                        "districts": report.districts,
                        "streets": report.streets,
                        "communities": report.communities,
                        "grids": report.grids,
                        "roads": sum(report.roads.values()),
                        "beats": report.road_beats + report.area_beats,
                        "zones": report.vending_zones,
                        "users": report.users,
                    }
                )
            self.seed_apps(options["seed"], verbosity)
        host, port = options["host"], options["port"]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown_host}:{port}/staff/login/"
        self.stdout.write("")
        for line in bilingual(
            gettext_noop("Open %(url)s in a browser and log in with one of these accounts:"), url=url
        ):
            self.stdout.write(self.style.SUCCESS(line))
        for line in bilingual(
            gettext_noop(
                "Citizens report and follow problems at %(portal)s; administrators configure at %(admin)s."
            ),
            portal=f"http://{shown_host}:{port}/",
            admin=f"http://{shown_host}:{port}/admin/",
        ):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(format_logins(logins))
        self.stdout.write("")
        if options["no_serve"]:
            return
        call_command("serve", host=host, port=port, verbosity=verbosity)
