"""Discretion benchmarks (自由裁量基准): the fine the facts call for, and the check on departures.

``propose_fine(violation_type, circumstances)`` finds the violation type's benchmark rows that match
the circumstances (a row's empty column matches anything) and takes the most severe tier among them
(``severity``; on a tie the row with more columns filled in, then the older row). Amounts in yuan come out as they are; a row in per
cent of a base amount (e.g. 违法建设: 5–10 % of the construction cost, 城乡规划法 art. 64) needs
``circumstances.base_amount``.

The penalty app decides the fine; it calls ``check_fine_departure`` so that any amount other than
the proposed one carries a justification.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from chengguan.core.errors import InvalidInput, NotFound
from chengguan.enforcement.models import (
    Corrected,
    DiscretionBenchmark,
    FineUnit,
    Harm,
    Offence,
    Scale,
    Violation,
    ViolationType,
)
from chengguan.enforcement.proposals import earlier_violations

YUAN = Decimal("1")
CIRCUMSTANCE_FIELDS = ("offence", "scale", "harm", "corrected")


@dataclass(frozen=True)
class Circumstances:
    offence: str = Offence.FIRST
    scale: str = Scale.SMALL
    harm: str = Harm.MINOR
    corrected: str = Corrected.NO
    base_amount: Decimal | None = None  # e.g. the construction cost, for per-cent benchmarks

    def __post_init__(self) -> None:
        for name, choices in (
            ("offence", Offence),
            ("scale", Scale),
            ("harm", Harm),
            ("corrected", Corrected),
        ):
            value = getattr(self, name)
            if value not in choices.values:
                raise InvalidInput(
                    _("%(value)s is not one of %(allowed)s.")
                    % {"value": value, "allowed": ", ".join(choices.values)},
                    field=name,
                )
        if self.base_amount is not None and self.base_amount < 0:
            raise InvalidInput(_("The base amount cannot be negative."), field="base_amount")


@dataclass(frozen=True)
class FineProposal:
    min: Decimal
    max: Decimal
    proposed: Decimal
    basis_text: str
    benchmark_id: int | None = None


@dataclass(frozen=True)
class FineDeparture:
    amount: Decimal
    proposed: Decimal
    departs: bool
    outside_range: bool
    justification: str


def _specificity(row: DiscretionBenchmark) -> int:
    return sum(1 for name in CIRCUMSTANCE_FIELDS if getattr(row, name))


def _matches(row: DiscretionBenchmark, circumstances: Circumstances) -> bool:
    return all(
        not getattr(row, name) or getattr(row, name) == getattr(circumstances, name)
        for name in CIRCUMSTANCE_FIELDS
    )


def matching_benchmark(violation_type: ViolationType, circumstances: Circumstances) -> DiscretionBenchmark:
    rows = [
        row
        for row in DiscretionBenchmark.objects.filter(violation_type=violation_type, is_active=True).order_by(
            "severity", "pk"
        )
        if _matches(row, circumstances)
    ]
    if not rows:
        raise NotFound(
            _("No discretion benchmark of %(type)s fits these circumstances.")
            % {"type": violation_type.name},
            field="violation_type",
        )
    return max(rows, key=lambda row: (row.severity, _specificity(row), -row.pk))


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(YUAN, rounding=ROUND_HALF_UP)


def _provisions_text(violation_type: ViolationType) -> str:
    return "、".join(
        str(p) for p in violation_type.provisions.filter(is_active=True).order_by("law_name", "code")
    )


def propose_fine(violation_type: ViolationType, circumstances: Circumstances) -> FineProposal:
    """The benchmark's range and proposed amount (yuan) for these circumstances, with its basis."""
    row = matching_benchmark(violation_type, circumstances)
    middle = row.proposed if row.proposed is not None else (row.fine_min + row.fine_max) / 2
    if row.unit == FineUnit.PERCENT:
        if circumstances.base_amount is None:
            raise InvalidInput(
                _(
                    "This benchmark is a share of the base amount (e.g. the construction cost): give base_amount."
                ),
                field="base_amount",
            )
        base = circumstances.base_amount
        low, high, proposed = (_yuan(base * p / 100) for p in (row.fine_min, row.fine_max, middle))
        scale_text = _("%(min)s–%(max)s %% of %(base)s yuan") % {
            "min": row.fine_min.normalize(),
            "max": row.fine_max.normalize(),
            "base": base,
        }
    else:
        low, high, proposed = _yuan(row.fine_min), _yuan(row.fine_max), _yuan(middle)
        scale_text = _("%(min)s–%(max)s yuan") % {"min": low, "max": high}
    parts = [
        _("Benchmark of %(type)s, circumstance “%(label)s”: %(range)s; proposed %(proposed)s yuan.")
        % {"type": violation_type.name, "label": row.label, "range": scale_text, "proposed": proposed}
    ]
    provisions = _provisions_text(violation_type)
    if provisions:
        parts.append(_("Legal basis: %(provisions)s.") % {"provisions": provisions})
    if row.basis_text:
        parts.append(row.basis_text)
    return FineProposal(low, high, proposed, " ".join(parts), row.pk)


def circumstances_of(violation: Violation, **overrides: Any) -> Circumstances:
    """The circumstances of a recorded violation: first or repeat from the ledger, scale and harm as
    recorded, corrected when its re-inspection found it corrected. ``overrides`` win."""
    earlier = earlier_violations(
        violation.party, violation.violation_type, violation.occurred_at, exclude_id=violation.pk
    )
    values: dict[str, Any] = {
        "offence": Offence.REPEAT if earlier else Offence.FIRST,
        "scale": violation.scale,
        "harm": violation.harm,
        "corrected": Corrected.YES if violation.status == "corrected" else Corrected.NO,
    }
    values.update(overrides)
    return Circumstances(**values)


def check_fine_departure(proposal: FineProposal, amount: Decimal, justification: str = "") -> FineDeparture:
    """Refuse an amount other than the proposed one unless it is justified (field ``justification``)."""
    if amount < 0:
        raise InvalidInput(_("A fine cannot be negative."), field="amount")
    departs = amount != proposal.proposed
    outside = not proposal.min <= amount <= proposal.max
    text = (justification or "").strip()
    if departs and not text:
        raise InvalidInput(
            _("%(amount)s yuan departs from the proposed %(proposed)s yuan: give the reason.")
            % {"amount": amount, "proposed": proposal.proposed},
            field="justification",
        )
    return FineDeparture(amount, proposal.proposed, departs, outside, text)
