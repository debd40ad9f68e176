"""公示: penalty decisions are published on the portal, masked, and replaced when corrected.

A decision with a penalty is published in the transaction that makes it (title: its number and the
violation; body: the facts, the legal basis and the penalty), with the party's name masked by the
portal (``portal.services.publish``). A correction that supersedes a decision withdraws the old
publication with the correction's reason and publishes the new decision in its place.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chengguan.penalty.models import Decision, Outcome

SOURCE = "penalty.decision"


def _text(decision: Decision) -> tuple[str, str, list[str]]:
    proceeding = decision.proceeding
    party = proceeding.party
    violation = proceeding.violation
    title = f"{decision.number} {violation.violation_type.name}"
    lines = [
        f"当事人：{party.name}",
        f"违法事实：{decision.facts}" if decision.facts else "",
        f"处罚依据：{decision.legal_basis}" if decision.legal_basis else "",
        f"处罚内容：罚款 {decision.fine} 元" if decision.fine else "",
        f"没收违法所得：{decision.confiscation} 元" if decision.confiscation else "",
        f"作出日期：{decision.decided_at:%Y-%m-%d}",
    ]
    return title, "\n".join(line for line in lines if line), [party.name]


def publish_decision(decision: Decision, *, actor: Any) -> Any:
    """Publish ``decision`` (call inside the transaction that makes it); None when nothing is due."""
    from chengguan.portal.services import publish  # the portal owns publication and masking

    if decision.outcome != Outcome.PENALTY:
        return None
    title, body, names = _text(decision)
    return publish(
        kind="penalty_decision",
        title=title,
        body=body,
        source_type=SOURCE,
        source_id=str(decision.pk),
        names=names,
        actor=actor,
    )


def replace_publication(old: Decision, new: Decision, *, reason: str, actor: Any) -> None:
    """A correction: the old decision's publication comes down with ``reason``, the new one goes up."""
    from chengguan.portal.services import withdraw_source

    withdraw_source(SOURCE, old.pk, reason=_("Corrected: %(reason)s") % {"reason": reason}, actor=actor)
    publish_decision(new, actor=actor)
