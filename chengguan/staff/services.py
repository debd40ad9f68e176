"""Writes of the staff web: the patrol log (start, record a position, stop).

Case state never changes here: the pages call ``chengguan.cases.workflow`` and ``intake``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.core.errors import AccessDenied, Conflict, InvalidInput
from chengguan.org.roles import Role
from chengguan.staff.models import Patrol, PatrolPosition

# Who patrols: inspectors (their grids) and the officers of a squadron (their beats).
PATROL_ROLES = frozenset({Role.INSPECTOR, Role.OFFICER, Role.AUXILIARY, Role.SQUADRON_LEADER})
# A phone posting every few seconds for a whole shift stays far below this.
MAX_POSITIONS_PER_PATROL = 20_000
# Fixes worse than this (metres) say nothing about where the person walked.
MAX_ACCURACY_M = 500.0
# A position may come a little late (phones buffer) but not from another day.
MAX_POSITION_AGE = dt.timedelta(hours=12)
CLOCK_SKEW = dt.timedelta(minutes=5)


def check_can_patrol(person: Any) -> None:
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        raise AccessDenied(_("Sign in first."), field="person")
    if not person.has_role(*PATROL_ROLES):
        raise AccessDenied(_("Only inspectors and squadron officers keep a patrol log."), field="person")


def get_running_patrol(person: Any) -> Patrol | None:
    return Patrol.objects.filter(person=person, ended_at__isnull=True).first()


def start_patrol(person: Any) -> Patrol:
    """Start a patrol; the running one is returned if there is one already (a double click)."""
    check_can_patrol(person)
    running = get_running_patrol(person)
    if running is not None:
        return running
    try:
        with transaction.atomic():
            return Patrol.objects.create(person=person, started_at=timezone.now())
    except IntegrityError:
        running = get_running_patrol(person)
        if running is None:
            raise Conflict(_("The patrol could not be started; try again."), field="patrol") from None
        return running


def stop_patrol(person: Any) -> Patrol:
    check_can_patrol(person)
    running = get_running_patrol(person)
    if running is None:
        raise Conflict(_("No patrol is running."), field="patrol")
    now = timezone.now()
    Patrol.objects.filter(pk=running.pk, ended_at__isnull=True).update(ended_at=now)
    running.ended_at = now
    return running


def _number(value: Any, field: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or not low <= number <= high:
        raise InvalidInput(
            _("%(field)s must be a number from %(low)s to %(high)s.")
            % {"field": field, "low": low, "high": high},
            field=field,
        )
    return number


def record_position(
    person: Any, *, lon: Any, lat: Any, accuracy_m: Any = None, at: dt.datetime | None = None
) -> PatrolPosition:
    """Add a position to the person's running patrol (``Conflict`` when none runs)."""
    check_can_patrol(person)
    lon_f = _number(lon, "lon", -180.0, 180.0)
    lat_f = _number(lat, "lat", -90.0, 90.0)
    accuracy = None
    if accuracy_m not in (None, ""):
        accuracy = _number(accuracy_m, "accuracy", 0.0, 100_000.0)
        if accuracy > MAX_ACCURACY_M:
            raise InvalidInput(
                _("The position is too inaccurate (more than %(m)s m).") % {"m": int(MAX_ACCURACY_M)},
                field="accuracy",
            )
    now = timezone.now()
    moment = at or now
    if moment > now + CLOCK_SKEW or moment < now - MAX_POSITION_AGE:
        raise InvalidInput(_("The position's time is not plausible."), field="at")
    with transaction.atomic():
        running = get_running_patrol(person)
        if running is None:
            raise Conflict(_("No patrol is running."), field="patrol")
        if not Patrol.objects.filter(
            pk=running.pk, ended_at__isnull=True, position_count__lt=MAX_POSITIONS_PER_PATROL
        ).update(position_count=F("position_count") + 1):
            raise Conflict(_("This patrol has recorded as many positions as it may."), field="patrol")
        return PatrolPosition.objects.create(
            patrol=running, at=moment, lon=lon_f, lat=lat_f, accuracy_m=accuracy
        )
