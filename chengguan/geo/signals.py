"""Bump the territory version whenever something the locate index depends on changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from chengguan.geo.models import Beat, Grid, Road, VendingZone
from chengguan.geo.versioning import bump_territory_version
from chengguan.org.models import Division, Unit


def _bump(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    bump_territory_version()


for _model in (Division, Unit, Grid, Road, Beat, VendingZone):
    post_save.connect(_bump, sender=_model, dispatch_uid=f"territory-save-{_model.__name__}")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"territory-delete-{_model.__name__}")
m2m_changed.connect(_bump, sender=Unit.territory.through, dispatch_uid="territory-unit-m2m")
