"""Every action checks the actor's role and scope: wrong roles and the outsider are refused.

The outsider is an officer of the east squadron; the cases are in the west.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chengguan.cases import workflow
from chengguan.cases.models import Case, CaseEvent
from chengguan.cases.tests.builders import (
    accepted,
    closed,
    dispatched,
    handled,
    photo,
    registered,
    reported,
    suspended,
)
from chengguan.core.errors import AccessDenied
from chengguan.core.testing import TinyCity


def _extension_request(city: TinyCity) -> int:
    case = accepted(city)
    return workflow.request_extension(
        case.pk, actor=city.users["department"], version=case.version, working_hours=1, reason="x"
    ).pk


# action → (build the case, call the action, the roles refused)
ACTIONS: dict[str, tuple[Callable[[TinyCity], Any], Callable[[Any, Any], Any], list[str]]] = {
    "register": (
        reported,
        lambda c, u: workflow.register(c.pk, actor=u, version=c.version),
        ["dispatcher", "inspector", "officer", "citizen", "leader"],
    ),
    "reject": (
        reported,
        lambda c, u: workflow.reject(c.pk, actor=u, version=c.version, reason="x"),
        ["dispatcher", "inspector", "citizen"],
    ),
    "merge": (
        reported,
        lambda c, u: workflow.merge(c.pk, actor=u, version=c.version, into=c.pk + 1),
        ["dispatcher", "inspector", "citizen"],
    ),
    "dispatch": (
        registered,
        lambda c, u: workflow.dispatch(c.pk, actor=u, version=c.version),
        ["operator", "officer", "department", "citizen"],
    ),
    "accept": (
        dispatched,
        lambda c, u: workflow.accept(c.pk, actor=u, version=c.version),
        ["dispatcher", "officer", "inspector", "citizen"],
    ),
    "return": (
        dispatched,
        lambda c, u: workflow.return_case(c.pk, actor=u, version=c.version, reason="x"),
        ["dispatcher", "officer", "citizen"],
    ),
    "report_back": (
        accepted,
        lambda c, u: workflow.report_back(c.pk, actor=u, version=c.version, note="x", files=[photo()]),
        ["dispatcher", "officer", "inspector"],
    ),
    "verify": (
        handled,
        lambda c, u: workflow.verify(c.pk, actor=u, version=c.version, passed=True),
        ["department", "dispatcher", "operator", "citizen"],
    ),
    "rework": (
        handled,
        lambda c, u: workflow.verify(c.pk, actor=u, version=c.version, passed=False, note="x"),
        ["department", "dispatcher"],
    ),
    "reopen": (
        closed,
        lambda c, u: workflow.reopen(c.pk, actor=u, version=c.version, reason="x", within_days=7),
        ["dispatcher", "officer", "inspector", "citizen"],
    ),
    "request_extension": (
        accepted,
        lambda c, u: workflow.request_extension(
            c.pk, actor=u, version=c.version, working_hours=1, reason="x"
        ),
        ["dispatcher", "officer"],
    ),
    "decide_extension": (
        _extension_request,
        lambda r, u: workflow.decide_extension(r, actor=u, approve=True),
        ["department", "operator", "officer"],
    ),
    "suspend": (
        accepted,
        lambda c, u: workflow.suspend(c.pk, actor=u, version=c.version, reason="x"),
        ["operator", "department", "officer"],
    ),
    "resume": (
        suspended,
        lambda c, u: workflow.resume(c.pk, actor=u, version=c.version),
        ["operator", "department"],
    ),
    "transfer": (
        registered,
        lambda c, u: workflow.transfer(c.pk, actor=u, version=c.version, agency=1, reason="x"),
        ["operator", "officer"],
    ),
    "cancel": (
        registered,
        lambda c, u: workflow.cancel(c.pk, actor=u, version=c.version, reason="x"),
        ["officer", "inspector", "department", "citizen"],
    ),
    "urge": (accepted, lambda c, u: workflow.urge(c.pk, actor=u), ["operator", "officer", "department"]),
}

CASES = [
    (action, who) for action, (_b, _c, refused) in ACTIONS.items() for who in [*refused, "outsider", None]
]


@pytest.mark.parametrize(("action", "who"), CASES)
def test_it_refuses_the_action_to_a_wrong_role_or_an_outsider(
    tiny_city: TinyCity, action: str, who: str | None
) -> None:
    # given a case (or request) ready for the action
    build, call, _refused = ACTIONS[action]
    target = build(tiny_city)
    events_before = CaseEvent.objects.count()
    states_before = list(Case.objects.values_list("pk", "state", "version"))

    # when the wrong person tries it
    with pytest.raises(AccessDenied) as denied:
        call(target, tiny_city.users[who] if who else None)

    # then it is refused (403) and nothing changed
    assert denied.value.http_status == 403
    assert CaseEvent.objects.count() == events_before
    assert list(Case.objects.values_list("pk", "state", "version")) == states_before


def test_every_action_of_the_table_is_covered() -> None:
    assert set(ACTIONS) == set(workflow.TRANSITIONS)


def test_allowed_actions_lists_what_the_actor_may_do(tiny_city: TinyCity) -> None:
    case = accepted(tiny_city)

    assert workflow.allowed_actions(case, tiny_city.users["department"]) == [
        "return",
        "report_back",
        "request_extension",
    ]
    assert workflow.allowed_actions(case, tiny_city.users["dispatcher"]) == ["suspend", "urge"]
    assert workflow.allowed_actions(case, tiny_city.users["outsider"]) == []
