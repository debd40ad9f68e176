from __future__ import annotations

from django.db.models import F

from chengguan.geo.models import TerritoryVersion


def bump_territory_version() -> None:
    updated = TerritoryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        TerritoryVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def get_territory_version() -> int:
    row = TerritoryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(row or 0)
