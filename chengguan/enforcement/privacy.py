"""Who sees a party's identifiers in full: the one place where the ledger masks personal data.

Officers, squadron leaders, legal reviewers and administrators (and superusers) see everything; every
other viewer — auxiliaries, leaders, anybody printing a bundle for them — sees masked values:

* ID number ``330203********1234``-style: the first 6 (region) and last 4 characters;
* phone ``138****5678``: the first 3 and last 4 digits;
* a natural person's name ``张*``: the surname only (companies' and shops' names are public);
* licence plate ``浙B***45``: province, office letter and the last 2 characters;
* usual place of a natural person: kept to its first 6 characters.

The unified social credit code of a business is public registration data (企业信用信息公示) and is
not masked.
"""

from __future__ import annotations

from typing import Any

from chengguan.enforcement.models import Party, PartyKind
from chengguan.org.roles import Role

FULL_VIEW_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.ADMIN})
MASK = "*"


def sees_identifiers(viewer: Any) -> bool:
    """May ``viewer`` see a party's identifiers in full?"""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.is_superuser:
        return True
    return viewer.has_role(*FULL_VIEW_ROLES)


def mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    """``value`` with everything but the first ``keep_start`` and last ``keep_end`` characters masked.

    A value too short to keep both ends is masked entirely but for its first character, so that a
    mask never gives the whole value away.
    """
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return value[:1] + MASK * (len(value) - 1)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + MASK * hidden + (value[-keep_end:] if keep_end else "")


def mask_name(name: str) -> str:
    """A person's name reduced to the surname: 张三 → 张*, 欧阳娜娜 → 欧*** (one star per hidden character)."""
    return mask_middle(name, 1, 0)


def mask_party(party: Party, viewer: Any) -> dict[str, Any]:
    """The party's identifying fields as ``viewer`` may see them, plus ``masked`` (True when hidden)."""
    full = sees_identifiers(viewer)
    natural_person = party.kind in (PartyKind.PERSON, PartyKind.VEHICLE)
    data = {
        "id": party.pk,
        "kind": party.kind,
        "name": party.name,
        "id_number": party.id_number,
        "credit_code": party.credit_code,
        "plate": party.plate,
        "phone": party.phone,
        "usual_place": party.usual_place,
        "masked": not full,
    }
    if full:
        return data
    data["id_number"] = mask_middle(party.id_number, 6, 4)
    data["phone"] = mask_middle(party.phone, 3, 4)
    data["plate"] = mask_middle(party.plate, 2, 2)
    if natural_person:
        data["name"] = mask_name(party.name)
        data["usual_place"] = party.usual_place[:6] + ("…" if len(party.usual_place) > 6 else "")
    return data
