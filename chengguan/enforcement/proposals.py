"""Graduated enforcement (教育在先, 处罚在后): which step the system proposes for a new violation.

From the party's history of violations of the same type within the type's look-back
(``ViolationType.lookback_days``) before this one:

1. no earlier one, the type allows 首违不罚 and the harm is minor
   → warm reminder and education, no penalty (Administrative Penalty Law art. 33);
2. an earlier one was already answered with a rectification order or proceedings (屡教不改)
   → open proceedings;
3. otherwise → a rectification order with a deadline and a re-inspection (art. 28: 责令改正).

The proposal carries its reasons (``basis``) so the officer, the bundle and the audit log can show why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chengguan.enforcement.models import EnforcementStep, Harm, Party, Violation, ViolationType

ESCALATING_STEPS = (EnforcementStep.RECTIFICATION_ORDER, EnforcementStep.PROCEEDINGS)


@dataclass
class Proposal:
    step: EnforcementStep
    reasons: list[str]
    earlier_ids: list[int] = field(default_factory=list)
    lookback_days: int = 0

    def basis(self) -> dict[str, Any]:
        return {
            "step": str(self.step),
            "reasons": self.reasons,
            "earlier_violations": self.earlier_ids,
            "lookback_days": self.lookback_days,
        }


def earlier_violations(
    party: Party, violation_type: ViolationType, occurred_at: dt.datetime, *, exclude_id: int | None = None
) -> list[Violation]:
    """The party's violations of this type in the look-back window before ``occurred_at``, newest first."""
    since = occurred_at - dt.timedelta(days=violation_type.lookback_days)
    rows = Violation.objects.filter(
        party=party, violation_type=violation_type, occurred_at__gte=since, occurred_at__lt=occurred_at
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return list(rows.order_by("-occurred_at", "-pk"))


def propose_step(
    party: Party,
    violation_type: ViolationType,
    occurred_at: dt.datetime,
    *,
    harm: str = Harm.MINOR,
    exclude_id: int | None = None,
) -> Proposal:
    earlier = earlier_violations(party, violation_type, occurred_at, exclude_id=exclude_id)
    ids = [v.pk for v in earlier]
    days = violation_type.lookback_days
    if not earlier:
        if violation_type.minor_first_offence and harm == Harm.MINOR:
            return Proposal(
                EnforcementStep.WARM_REMINDER,
                [
                    _("No earlier violation of this type within %(days)s days.") % {"days": days},
                    _(
                        "The type allows a first minor violation to go unpunished (首违不罚) and the harm is minor."
                    ),
                ],
                ids,
                days,
            )
        reasons = [_("No earlier violation of this type within %(days)s days.") % {"days": days}]
        if not violation_type.minor_first_offence:
            reasons.append(_("This type of violation is never waived on a first offence."))
        else:
            reasons.append(_("The harm is not minor, so the first-offence waiver does not apply."))
        reasons.append(_("The party is ordered to correct the violation within a time limit."))
        return Proposal(EnforcementStep.RECTIFICATION_ORDER, reasons, ids, days)
    escalated = [v for v in earlier if v.chosen_step in ESCALATING_STEPS]
    if escalated:
        return Proposal(
            EnforcementStep.PROCEEDINGS,
            [
                _("%(n)s earlier violation(s) of this type within %(days)s days.")
                % {"n": len(earlier), "days": days},
                _("The party was already ordered to correct it (violation %(id)s) and did it again.")
                % {"id": escalated[0].pk},
            ],
            ids,
            days,
        )
    return Proposal(
        EnforcementStep.RECTIFICATION_ORDER,
        [
            _("%(n)s earlier violation(s) of this type within %(days)s days.")
            % {"n": len(earlier), "days": days},
            _("Education was given before; now the party is ordered to correct it within a time limit."),
        ],
        ids,
        days,
    )
