"""Server-side render time of every staff page with 100,000 cases, against baselines in the same run.

    .venv/bin/python benchmarks/staff_pages.py [--cases 100000] [--repeat 7]

A throw-away SQLite database gets the demo city and ``--cases`` cases spread over every grid and
the last year (bulk_create: every state, open cases with deadlines, a tenth of them overdue, each
with its "reported" event). Each page is requested in-process through Django's test client (the
whole middleware stack and the template, no network) as the demo user of the role that uses it;
the median of ``--repeat`` runs after one warm-up is reported. Baselines in the same run: the
admin's case changelist (paginated, 100 rows) and a bare staff page (the login form). The last
line reads:

    staff pages: slowest X ms (page), target 200 ms, baseline admin changelist Y ms, ratio R

where R = slowest page ÷ admin changelist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200.0


def _setup(var_dir: Path) -> None:
    """Migrate a database under ``var_dir`` and load the demo city (once: a kept database is reused)."""
    fresh = not (var_dir / "chengguan.sqlite3").exists()
    os.environ["CHENGGUAN_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    if not fresh:
        return
    call_command("migrate", verbosity=0)
    from chengguan.simulate.democity import load_demo_city

    load_demo_city(seed=2026)


def _make_cases(n: int, seed: int = 7) -> None:
    """``n`` cases over every grid and the last 365 days, in every state, with their first event."""
    from django.db import transaction
    from django.utils import timezone

    from chengguan.cases.models import Case, CaseEvent, CaseState, Source
    from chengguan.catalog.models import Category
    from chengguan.geo.models import Grid
    from chengguan.org.models import Unit, UnitKind

    rng = random.Random(seed)
    squadron_of: dict[str, int] = {}
    for unit in Unit.objects.filter(kind=UnitKind.SQUADRON).prefetch_related("territory"):
        for division in unit.territory.all():
            squadron_of[division.code] = unit.pk
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("pk", flat=True))
    grids = []
    for grid in Grid.objects.select_related("community__parent__parent"):
        p = grid.geometry.representative_point()
        community = grid.community
        street = community.parent
        district = street.parent if street else None
        squadron = squadron_of.get(street.code if street else "") or squadron_of.get(
            district.code if district else ""
        )
        grids.append(
            (grid.code, community.code, street.code, district.code, p.x, p.y, squadron, grid.inspector_id)
        )
    categories = list(Category.objects.filter(is_active=True).values_list("pk", flat=True))
    states = [
        (CaseState.CLOSED, 70),
        (CaseState.ACCEPTED, 8),
        (CaseState.DISPATCHED, 5),
        (CaseState.HANDLED, 3),
        (CaseState.REPORTED, 3),
        (CaseState.REGISTERED, 2),
        (CaseState.SUSPENDED, 1),
        (CaseState.CANCELLED, 3),
        (CaseState.REJECTED, 3),
        (CaseState.MERGED, 2),
    ]
    population = [s for s, w in states for _ in range(w)]
    now = timezone.now()
    rows = []
    for i in range(n):
        code, community, street, district, lon, lat, squadron, inspector = rng.choice(grids)
        state = rng.choice(population)
        reported_at = now - dt.timedelta(seconds=rng.randint(60, 365 * 86400))
        open_state = state in (
            CaseState.REPORTED,
            CaseState.REGISTERED,
            CaseState.DISPATCHED,
            CaseState.ACCEPTED,
            CaseState.HANDLED,
        )
        unit = None
        if state in (
            CaseState.DISPATCHED,
            CaseState.ACCEPTED,
            CaseState.HANDLED,
            CaseState.SUSPENDED,
            CaseState.CLOSED,
        ):
            unit = squadron if (rng.random() < 0.7 or not departments) else rng.choice(departments)
        due = None
        if open_state:
            # a tenth overdue, the rest due in the next days
            due = (
                now - dt.timedelta(hours=rng.randint(1, 200))
                if rng.random() < 0.1
                else now + dt.timedelta(hours=rng.randint(1, 120))
            )
        closed_at = (
            reported_at + dt.timedelta(hours=rng.randint(2, 96)) if state == CaseState.CLOSED else None
        )
        if closed_at is not None and closed_at > now:
            closed_at = now
        rows.append(
            Case(
                number=f"B{i:08d}",
                state=state,
                category_id=rng.choice(categories),
                source=rng.choice((Source.INSPECTOR, Source.CITIZEN, Source.HOTLINE)),
                lon=lon + rng.uniform(-0.0005, 0.0005),
                lat=lat + rng.uniform(-0.0005, 0.0005),
                address=f"benchmark {i}",
                grid_code=code,
                community_code=community,
                street_code=street,
                district_code=district,
                suggested_unit_id=squadron,
                assigned_unit_id=unit,
                verifier_id=inspector,
                reported_at=reported_at,
                registered_at=reported_at if state not in (CaseState.REPORTED, CaseState.REJECTED) else None,
                dispatched_at=reported_at if unit else None,
                closed_at=closed_at,
                closed_on_time=(rng.random() < 0.85) if closed_at else None,
                current_due=due,
                step_started_at=reported_at if due else None,
                handle_due=due,
            )
        )
    with transaction.atomic():
        Case.objects.bulk_create(rows, batch_size=2000)
        ids = Case.objects.order_by().values_list("pk", "reported_at")
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(case_id=pk, action="reported", at=at, to_state="reported", public=True)
                for pk, at in ids
            ],
            batch_size=5000,
        )


def _measure(client, url: str, repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    status = response.status_code
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    return statistics.median(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", metavar="DIR", help="keep the database in DIR and reuse it on the next run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chengguan-bench-") as tmp:
        var_dir = Path(args.keep or tmp)
        reuse = (var_dir / "chengguan.sqlite3").exists()
        t0 = time.perf_counter()
        _setup(var_dir)
        if not reuse:
            _make_cases(args.cases)
        print(f"setup: demo city and {args.cases} cases in {time.perf_counter() - t0:.1f} s")

        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from chengguan.cases.models import Case, CaseState
        from chengguan.org.models import User

        def client_of(username: str) -> Client:
            client = Client()
            client.force_login(User.objects.get(username=username))
            return client

        department = User.objects.filter(groups__name="department").order_by("username").first()
        wang = User.objects.get(username="wang")
        task = Case.objects.filter(state=CaseState.HANDLED, verifier=wang).first() or Case.objects.first()
        open_case = Case.objects.filter(state=CaseState.ACCEPTED).first()
        pages = [
            ("li", "/staff/console/", "console (operator)"),
            ("zhao", "/staff/console/queue/", "queue refresh (dispatcher)"),
            ("zhao", "/staff/overdue/", "overdue board"),
            ("zhao", "/staff/cases/?scope=open", "search, open cases"),
            ("zhao", "/staff/cases/?q=benchmark%201", "search by text"),
            ("zhao", f"/staff/cases/{open_case.pk}/", "case detail"),
            ("zhao", "/staff/map/cases.json?scope=open", "map markers (JSON)"),
            ("wang", "/staff/field/report/", "inspector report form"),
            ("wang", "/staff/field/checks/", "verification tasks"),
            ("wang", f"/staff/cases/{task.pk}/", "case detail (inspector)"),
            ("wang", "/staff/field/coverage/", "patrol coverage"),
            ("chen", "/staff/unit/", "unit work list (officer)"),
            ("zhou", "/staff/unit/beats/", "beats and roster"),
            ("liu", "/staff/dashboard/", "leader dashboard"),
            ("liu", "/staff/dashboard/ranking/", "ranking, live (loaded by the dashboard)"),
            ("liu", "/staff/dashboard/daily.csv", "dashboard CSV"),
        ]
        if department is not None:
            pages.append((department.username, "/staff/unit/", "unit work list (department)"))

        admin = client_of("admin")
        baseline_ms, status = _measure(admin, "/admin/cases/case/", args.repeat)
        assert status == 200, status
        bare_ms, _status = _measure(Client(), "/staff/login/", args.repeat)
        print(
            f"baseline: admin case changelist {baseline_ms:.1f} ms; bare staff page (login) {bare_ms:.1f} ms"
        )
        print(f"{'page':34} {'ms':>8} {'queries':>8} {'÷ admin':>8}")
        slowest = (0.0, "")
        clients: dict[str, Client] = {}
        for username, url, label in pages:
            client = clients.setdefault(username, client_of(username))
            ms, status = _measure(client, url, args.repeat)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            flag = "" if ms < TARGET_MS else "  over target"
            if status != 200:
                flag += f"  HTTP {status}"
            print(f"{label:34} {ms:8.1f} {len(queries):8d} {ms / baseline_ms:8.2f}{flag}")
            slowest = max(slowest, (ms, label))
        # the monthly evaluation as the bureau runs it (``chengguan evaluate``): the ranking then reads it
        from django.core.management import call_command

        from chengguan.core.clock import city_now

        month = f"{city_now():%Y-%m}"
        with open(os.devnull, "w") as quiet:
            call_command("evaluate", month=month, stdout=quiet)
        ms, status = _measure(clients["liu"], "/staff/dashboard/ranking/", args.repeat)
        print(f"{'ranking (stored evaluation)':34} {ms:8.1f} {'':8} {ms / baseline_ms:8.2f}")
        print(
            f"staff pages: slowest {slowest[0]:.1f} ms ({slowest[1]}), target {TARGET_MS:.0f} ms, "
            f"baseline admin changelist {baseline_ms:.1f} ms, ratio {slowest[0] / baseline_ms:.2f}"
        )


if __name__ == "__main__":
    main()
