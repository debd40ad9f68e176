from __future__ import annotations

from django.db import transaction
from django.db.models import F

from chengguan.geo.models import TerritoryVersion


def bump_territory_version() -> None:
    """Record that the territory changed: every process's locate index must be rebuilt.

    This process's own index is dropped at once and again after commit (a lookup between the two
    could rebuild from the not yet committed state of another connection); other processes notice
    the new number within ``LOCATE_VERSION_TTL_S``. Bulk writers that send no signals (imports, the
    demo city) call this once at the end.
    """
    from chengguan.geo.locate import invalidate_index  # locate imports this module

    updated = TerritoryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        TerritoryVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    invalidate_index()
    transaction.on_commit(invalidate_index)


def get_territory_version() -> int:
    row = TerritoryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(row or 0)
