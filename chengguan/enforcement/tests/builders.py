"""Small builders shared by the enforcement tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chengguan.enforcement.models import Party, PartyKind, Violation
from chengguan.enforcement.services import check_record_violation
from chengguan.enforcement.tests.conftest import WEST

LIU = {
    "kind": PartyKind.PERSON,
    "name": "刘建国",
    "id_number": "330203197805120017",
    "phone": "13805741234",
    "usual_place": "鼓楼步行街东口",
}


def at(*args: int) -> dt.datetime:
    """A moment in the city's zone (UTC+8)."""
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def record(
    actor: Any,
    type_code: str,
    *,
    party: Party | None = None,
    new_party: dict | None = None,
    place: tuple[float, float] = WEST,
    **kw: Any,
) -> Violation:
    if party is None and new_party is None:
        new_party = dict(LIU)
    return check_record_violation(
        actor=actor,
        violation_type=type_code,
        lon=place[0],
        lat=place[1],
        party=None if party is None else party.pk,
        new_party=new_party,
        **kw,
    )
