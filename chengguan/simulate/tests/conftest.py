"""The demo city is built once for the simulate tests and removed again afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
import shapely
from django.contrib.auth.models import Group
from django.db import connection
from shapely.geometry.base import BaseGeometry

from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.org.models import Division, Unit, User
from chengguan.simulate.democity import DemoCityReport, load_demo_city

SEED = 2026


def wipe_city() -> None:
    """Delete every division, grid, road, beat, zone, unit and user (plain SQL: fast, no signals)."""
    tables = [
        Beat._meta.db_table,
        VendingZone._meta.db_table,
        Grid._meta.db_table,
        Road._meta.db_table,
        User.groups.through._meta.db_table,
        User.user_permissions.through._meta.db_table,
        User._meta.db_table,
        Unit.territory.through._meta.db_table,
        Unit._meta.db_table,
        Division._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET parent_id = NULL")
        cursor.execute(f"UPDATE {Division._meta.db_table} SET parent_id = NULL")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def city_digest() -> str:
    """A digest of what the demo city writes, except database ids, timestamps and salted password hashes."""
    rows = [
        (Division, ["code", "name", "level", "parent__code", "boundary"]),
        (Grid, ["code", "community__code", "geometry", "area_m2", "inspector__username"]),
        (Road, ["code", "name", "grade", "geometry", "length_m"]),
        (
            Beat,
            [
                "code",
                "name",
                "kind",
                "road__code",
                "geometry",
                "squadron__code",
                "officer__username",
                "post_type",
                "post_start",
                "post_end",
            ],
        ),
        (
            VendingZone,
            [
                "code",
                "name",
                "geometry",
                "opens_at",
                "closes_at",
                "weekdays",
                "permitted_goods",
                "capacity",
                "unit__code",
            ],
        ),
        (Unit, ["code", "name", "kind", "parent__code", "specialty", "phone"]),
        (Unit.territory.through, ["unit__code", "division__code"]),
        (User, ["username", "name", "unit__code", "badge_number", "phone", "is_staff", "is_superuser"]),
        (User.groups.through, ["user__username", "group__name"]),
    ]
    h = hashlib.sha256()
    for model, fields in rows:
        for row in model.objects.order_by(*fields[:2]).values_list(*fields):
            h.update(repr([shapely.to_wkb(v) if isinstance(v, BaseGeometry) else v for v in row]).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def demo_city(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoCityReport]:
    with django_db_blocker.unblock():
        permissions = {g.name: list(g.permissions.all()) for g in Group.objects.all()}
        report = load_demo_city(SEED)
    yield report
    with django_db_blocker.unblock():
        wipe_city()
        for group in Group.objects.all():
            group.permissions.set(permissions.get(group.name, []))
