"""Clear this process's calendar cache whenever the holiday table or the working hours change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from chengguan.workdays.calendar import clear_calendar_cache
from chengguan.workdays.models import CoveredYear, DayOverride, WorkSchedule


def _changed(sender: Any, **kwargs: Any) -> None:
    # Now (so the rest of this transaction sees the change) and after commit (so a lookup made
    # in between from the uncommitted state does not outlive the transaction).
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)


for _model in (DayOverride, CoveredYear, WorkSchedule):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"workdays-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"workdays-delete-{_model.__name__}")
