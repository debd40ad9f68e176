"""Who may read the ledger, record violations and decide enforcement steps; permission-checked fetches.

* Reading the ledger (parties, their history, matching candidates): officers, auxiliaries, squadron
  leaders, legal reviewers, leaders and administrators. A party's history is city-wide on purpose:
  the vendor who moves to the next street is the same party (台账).
* Reading a violation on its own, and the list of violations: as above, inside the reader's territory.
* Recording a violation (and a new party with it): officers, squadron leaders and auxiliaries, at a
  place inside their territory.
* Deciding — choosing the step, recording a re-inspection result: officers and squadron leaders who
  hold a valid enforcement credential (执法证, ``penalty.credentials``), inside their territory. Auxiliaries
  never decide (协管员无执法权).

Each rule is one condition per line so that the tests prove every branch.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import AccessDenied, NotFound
from chengguan.enforcement.models import Party, ReinspectionTask, Violation
from chengguan.org.access import check_can_act_at, filter_to_territory
from chengguan.org.roles import Role

LEDGER_READ_ROLES = frozenset(
    {Role.OFFICER, Role.AUXILIARY, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.LEADER, Role.ADMIN}
)
RECORD_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER, Role.AUXILIARY})
DECIDE_ROLES = frozenset({Role.OFFICER, Role.SQUADRON_LEADER})

MAX_ID = 2**63 - 1


def _active(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


def can_read_ledger(actor: Any) -> bool:
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.has_role(*LEDGER_READ_ROLES)


def check_can_read_ledger(actor: Any) -> None:
    if not can_read_ledger(actor):
        raise AccessDenied(_("Only enforcement staff may read the ledger."))


def check_can_record_at(actor: Any, place: str) -> None:
    """Raise unless ``actor`` may record a violation at the place with code ``place``."""
    if not _active(actor):
        raise AccessDenied(_("Only enforcement staff may record violations."))
    if not actor.has_role(*RECORD_ROLES):
        raise AccessDenied(_("Only enforcement staff may record violations."))
    check_can_act_at(actor, place)


def check_can_decide_at(actor: Any, place: str) -> None:
    """Raise unless ``actor`` may decide an enforcement step at the place with code ``place``."""
    if not _active(actor):
        raise AccessDenied(_("Only an officer with an enforcement credential may decide."))
    if actor.has_role(Role.AUXILIARY) and not actor.has_role(*DECIDE_ROLES):
        raise AccessDenied(_("Auxiliary officers may not decide enforcement steps."))
    if not actor.has_role(*DECIDE_ROLES):
        raise AccessDenied(_("Only an officer with an enforcement credential may decide."))
    from chengguan.penalty.credentials import holds_credential_today  # the penalty app keeps credentials

    if not holds_credential_today(actor):
        raise AccessDenied(_("You hold no enforcement credential (执法证); you may not decide."))
    check_can_act_at(actor, place)


def parse_id(value: Any, field: str) -> int:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound(field=field)
    return int(text)


def access_party(actor: Any, party_id: Any) -> Party:
    check_can_read_ledger(actor)
    party = Party.objects.filter(pk=parse_id(party_id, "party")).first()
    if party is None:
        raise NotFound(_("No such party."), field="party")
    return party


def get_violations_visible_to(actor: Any) -> QuerySet[Violation]:
    check_can_read_ledger(actor)
    return filter_to_territory(Violation.objects.all(), actor, "grid_code")


def access_violation(actor: Any, violation_id: Any) -> Violation:
    violation = (
        get_violations_visible_to(actor)
        .select_related("party", "violation_type", "officer")
        .filter(pk=parse_id(violation_id, "violation"))
        .first()
    )
    if violation is None:
        raise NotFound(_("No such violation in your territory."), field="violation")
    return violation


def access_reinspection(actor: Any, task_id: Any) -> ReinspectionTask:
    check_can_read_ledger(actor)
    task = (
        ReinspectionTask.objects.select_related("violation", "violation__violation_type", "violation__party")
        .filter(pk=parse_id(task_id, "reinspection"))
        .first()
    )
    if task is None:
        raise NotFound(_("No such re-inspection task."), field="reinspection")
    return task
