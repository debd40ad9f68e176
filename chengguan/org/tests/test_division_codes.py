"""Division and grid codes follow GB/T 2260 and the 15-digit unit grid code."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from chengguan.core.errors import BadCode
from chengguan.org.codes import ancestor_codes, check_code


@pytest.mark.parametrize(
    ("level", "code", "parent"),
    [
        ("city", "330200", None),
        ("district", "330203", "330200"),
        ("street", "330203001", "330203"),
        ("community", "330203001002", "330203001"),
        ("grid", "330203001002017", "330203001002"),
    ],
)
def test_it_accepts_codes_that_extend_their_parent(level: str, code: str, parent: str | None) -> None:
    check_code(level, code, parent)


@pytest.mark.parametrize(
    ("level", "code", "parent", "reason"),
    [
        ("grid", "33020300100201", "330203001002", "15 digits"),
        ("grid", "330203001003017", "330203001002", "does not start with"),
        ("grid", "330203001002000", "330203001002", "000"),
        ("street", "33020300A", "330203", "9 digits"),
        ("district", "330312", "330200", "does not belong"),
        ("city", "330203", None, "prefecture"),
        ("community", "330203001002", None, "needs a parent"),
    ],
)
def test_it_names_the_reason_a_code_is_refused(
    level: str, code: str, parent: str | None, reason: str
) -> None:
    with translation.override("en"), pytest.raises(BadCode) as refused:
        check_code(level, code, parent)

    assert reason in str(refused.value)


@given(st.from_regex(r"\A33020[1-9]\d{9}\Z"))
def test_a_grid_code_lists_its_community_street_and_district(code: str) -> None:
    assert ancestor_codes(code) == [code, code[:12], code[:9], code[:6]]


def test_the_reason_is_given_in_chinese_by_default() -> None:
    with translation.override("zh-hans"), pytest.raises(BadCode) as refused:
        check_code("grid", "330203001003017", "330203001002")

    assert str(refused.value) == "单元网格编码 '330203001003017' 未以其上级编码 330203001002 开头"
