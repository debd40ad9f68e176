"""The money rules of the procedure as pure functions: thresholds, the late surcharge, "no heavier".

The numbers come from ``Thresholds`` (the bureau's ``PenaltyPolicy`` row, edited in the admin and
seeded with the national values of REFERENCE.md Part B); nothing here reads the database.

* 简易程序 (art. 51): a fine of at most 200 yuan for a citizen, 3,000 yuan for an organisation, or a
  warning, may be decided on the spot.
* 听证 (art. 63): a "larger amount" of fine or confiscation, or a heavy kind of penalty (licence
  revoked, business stopped or closed, practice restricted …) gives the party the right to a
  hearing; "larger amount" is set locally (``hearing_*`` thresholds).
* 法制审核 (art. 58): required after a hearing, for a major or complex case, and from a fine the
  bureau sets (``review_fine``).
* 加处罚款 (art. 72, Compulsion Law art. 45): 3 % of the fine a day after the last day to pay, in
  total never more than the fine.
* 不得因陈述申辩加重处罚 (art. 45): the decision is never heavier than the notice the party answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


class PartyClass(models.TextChoices):
    PERSON = "person", _("Citizen")
    ORGANISATION = "organisation", _("Organisation")


# Party kinds of the ledger (enforcement.PartyKind) → the class the law's thresholds use. An individual
# business (个体工商户) and a vehicle's keeper are citizens; only a company is an organisation. Unknown
# kinds count as citizens: the lower thresholds are the safe side for the party.
PARTY_CLASS_OF_KIND = {
    "person": PartyClass.PERSON,
    "individual_business": PartyClass.PERSON,
    "vehicle": PartyClass.PERSON,
    "company": PartyClass.ORGANISATION,
}


def party_class(kind: str) -> str:
    return PARTY_CLASS_OF_KIND.get(kind, PartyClass.PERSON)


class PenaltyKind(models.TextChoices):
    """行政处罚法 art. 9."""

    WARNING = "warning", _("Warning or public criticism")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Fine and confiscation of illegal gains or property")
    LICENCE = "licence", _("Suspension or revocation of a licence, lower qualification")
    BUSINESS = "business", _("Restriction or suspension of business, closure, restricted practice")
    OTHER = "other", _("Other penalty laid down by law")


# Kinds that give a hearing right whatever the amount (art. 63).
HEAVY_KINDS = frozenset({PenaltyKind.LICENCE, PenaltyKind.BUSINESS})
# Kinds the summary procedure may decide (art. 51).
SUMMARY_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.FINE})


@dataclass(frozen=True)
class Thresholds:
    summary_person_max: Decimal = Decimal("200")
    summary_organisation_max: Decimal = Decimal("3000")
    on_the_spot_collection_max: Decimal = Decimal("100")
    hearing_person_fine: Decimal = Decimal("5000")
    hearing_organisation_fine: Decimal = Decimal("100000")
    hearing_person_confiscation: Decimal = Decimal("5000")
    hearing_organisation_confiscation: Decimal = Decimal("100000")
    review_fine: Decimal = Decimal("10000")
    surcharge_rate: Decimal = Decimal("0.03")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def summary_max(thresholds: Thresholds, kind: str) -> Decimal:
    """The largest fine the summary procedure may decide for a party of ledger kind ``kind``."""
    if party_class(kind) == PartyClass.ORGANISATION:
        return thresholds.summary_organisation_max
    return thresholds.summary_person_max


def summary_allowed(thresholds: Thresholds, kind: str, penalty_kind: str, fine: Decimal) -> bool:
    return penalty_kind in SUMMARY_KINDS and Decimal(0) <= fine <= summary_max(thresholds, kind)


def has_hearing_right(
    thresholds: Thresholds, kind: str, penalty_kind: str, fine: Decimal, confiscation: Decimal = Decimal(0)
) -> bool:
    """Does the intended penalty give the party the right to ask for a hearing (art. 63)?"""
    if penalty_kind in HEAVY_KINDS:
        return True
    if party_class(kind) == PartyClass.ORGANISATION:
        return fine >= thresholds.hearing_organisation_fine or (
            confiscation >= thresholds.hearing_organisation_confiscation
        )
    return fine >= thresholds.hearing_person_fine or confiscation >= thresholds.hearing_person_confiscation


def review_required(thresholds: Thresholds, *, fine: Decimal, heard: bool, major: bool) -> bool:
    """Must a legal reviewer check the decision first (art. 58)?"""
    return heard or major or fine >= thresholds.review_fine


def days_late(payment_due: dt.date, on: dt.date) -> int:
    """Whole days after the last day to pay (0 on or before it)."""
    return max((on - payment_due).days, 0)


def late_surcharge(fine: Decimal, payment_due: dt.date, on: dt.date, rate: Decimal) -> Decimal:
    """加处罚款 owed on ``on``: ``rate`` of the fine for each day after ``payment_due``, capped at the fine."""
    days = days_late(payment_due, on)
    if days == 0 or fine <= 0:
        return Decimal("0.00")
    return min(money(fine * rate * days), money(fine))


def is_heavier(decided: tuple[str, Decimal, Decimal], noticed: tuple[str, Decimal, Decimal]) -> bool:
    """Is the decided penalty (kind, fine, confiscation) heavier than the noticed one in any respect?"""
    order = {
        PenaltyKind.WARNING: 0,
        PenaltyKind.FINE: 1,
        PenaltyKind.CONFISCATION: 2,
        PenaltyKind.OTHER: 2,
        PenaltyKind.LICENCE: 3,
        PenaltyKind.BUSINESS: 3,
    }
    d_kind, d_fine, d_conf = decided
    n_kind, n_fine, n_conf = noticed
    if d_kind != n_kind and order.get(d_kind, 9) >= order.get(n_kind, 9):
        return True
    return d_fine > n_fine or d_conf > n_conf
