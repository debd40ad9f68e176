"""Which parties of the ledger may be the one in front of the officer?  Candidates with a score.

1. Exact identifiers first: the same ID number, unified social credit code or licence plate is the
   same party (score 1.0, ``exact`` names the identifier).
2. Otherwise a fuzzy score in [0, 1] from three parts, each shown to the officer:

   ``name``  0.45 × similarity of the names (character-level ratio, spaces ignored);
   ``phone`` 0.45 × 1 for the same number, 0.5 for the same last 8 digits, else 0;
   ``place`` 0.10 × similarity of the usual places (character-level ratio).

   A candidate must score at least ``MIN_SCORE``. Scenario: same name, same phone, a place written a
   little differently scores 0.45 + 0.45 + 0.10 × 0.3 ≈ 0.93.

The officer confirms: the API only returns candidates; creating a violation names the party.
The candidate pool is bounded (``POOL_LIMIT`` rows per query) so a megacity's ledger stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.db.models import Q

from chengguan.enforcement.identifiers import (
    normalise_credit_code,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
)
from chengguan.enforcement.models import Party

WEIGHTS = {"name": 0.45, "phone": 0.45, "place": 0.10}
MIN_SCORE = 0.5
POOL_LIMIT = 200
MAX_CANDIDATES = 10
EXACT_FIELDS = ("id_number", "credit_code", "plate")


@dataclass(frozen=True)
class Facts:
    """What the officer learnt on the spot, normalised."""

    name: str = ""
    id_number: str = ""
    credit_code: str = ""
    plate: str = ""
    phone: str = ""
    place: str = ""

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Facts:
        """Normalise raw input; a malformed identifier raises ``InvalidInput`` naming its field."""
        return cls(
            name=normalise_name(str(data.get("name") or "")),
            id_number=normalise_id_number(str(data.get("id_number") or "")),
            credit_code=normalise_credit_code(str(data.get("credit_code") or "")),
            plate=normalise_plate(str(data.get("plate") or "")),
            phone=normalise_phone(str(data.get("phone") or "")),
            place=str(data.get("place") or data.get("usual_place") or "").strip(),
        )

    def is_empty(self) -> bool:
        return not any((self.name, self.id_number, self.credit_code, self.plate, self.phone, self.place))


@dataclass
class Candidate:
    party: Party
    score: float
    exact: str = ""  # the identifier that matched exactly, or ""
    parts: dict[str, float] = field(default_factory=dict)  # weighted contribution of each part


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def phone_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if len(a) >= 8 and len(b) >= 8 and a[-8:] == b[-8:]:
        return 0.5
    return 0.0


def score_parts(facts: Facts, party: Party) -> dict[str, float]:
    """The weighted contribution of name, phone and place (their sum is the score)."""
    return {
        "name": round(WEIGHTS["name"] * similarity(facts.name, normalise_name(party.name)), 4),
        "phone": round(WEIGHTS["phone"] * phone_similarity(facts.phone, party.phone), 4),
        "place": round(WEIGHTS["place"] * similarity(facts.place, party.usual_place), 4),
    }


def _exact_candidates(facts: Facts) -> list[Candidate]:
    found: dict[int, Candidate] = {}
    for name in EXACT_FIELDS:
        value = getattr(facts, name)
        if not value:
            continue
        for party in Party.objects.filter(**{name: value}).order_by("pk")[:MAX_CANDIDATES]:
            if party.pk not in found:
                found[party.pk] = Candidate(party, 1.0, exact=name, parts=score_parts(facts, party))
    return list(found.values())


def _fuzzy_pool(facts: Facts) -> list[Party]:
    condition = Q(pk__in=[])
    if facts.phone:
        condition |= Q(phone=facts.phone)
        if len(facts.phone) >= 8:
            condition |= Q(phone__endswith=facts.phone[-8:])
    if facts.name:
        condition |= Q(name=facts.name)
        if len(facts.name) >= 2:
            # the same surname and given name typed differently (刘建国 / 刘 建国 / 刘建国(水果))
            condition |= Q(name__startswith=facts.name[:2])
            condition |= Q(name__contains=facts.name[-2:])
    return list(Party.objects.filter(condition).order_by("-pk")[:POOL_LIMIT])


def find_candidates(facts: Facts, *, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Candidates for ``facts``, best first: exact identifier matches, then fuzzy ones above the bar."""
    if facts.is_empty():
        return []
    exact = _exact_candidates(facts)
    seen = {c.party.pk for c in exact}
    fuzzy: list[Candidate] = []
    for party in _fuzzy_pool(facts):
        if party.pk in seen:
            continue
        parts = score_parts(facts, party)
        score = round(sum(parts.values()), 4)
        if score >= MIN_SCORE:
            fuzzy.append(Candidate(party, score, parts=parts))
    fuzzy.sort(key=lambda c: (-c.score, -c.party.pk))
    return (exact + fuzzy)[:limit]
