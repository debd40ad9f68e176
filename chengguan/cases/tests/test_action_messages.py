"""Refusals name the action in the user's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from chengguan.cases import workflow
from chengguan.cases.tests.builders import reported
from chengguan.core.errors import AccessDenied, ChengguanError
from chengguan.core.testing import TinyCity


def test_every_action_of_the_table_has_a_label() -> None:
    assert set(workflow.ACTION_LABELS) == set(workflow.TRANSITIONS)


def test_a_wrong_role_is_told_in_chinese_which_action_it_may_not_take(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with translation.override("zh-hans"), pytest.raises(AccessDenied) as refused:
        workflow.register(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    assert str(refused.value) == "您的角色无权对案卷执行此操作：立案。"


def test_a_wrong_state_is_told_in_chinese(tiny_city: TinyCity) -> None:
    case = reported(tiny_city)

    with translation.override("zh-hans"), pytest.raises(ChengguanError) as refused:
        workflow.dispatch(case.pk, actor=tiny_city.users["dispatcher"], version=case.version)

    assert str(refused.value) == "处于“已上报”状态的案卷不允许此操作：派遣。"
    assert refused.value.http_status == 409
