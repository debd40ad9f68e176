"""One function masks a party's identifiers for everybody who is not authorised to see them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengguan.enforcement.models import Party, PartyKind
from chengguan.enforcement.privacy import mask_middle, mask_party


def _liu() -> Party:
    return Party(
        pk=1,
        kind=PartyKind.PERSON,
        name="刘建国",
        id_number="330203197805120017",
        phone="13805741234",
        plate="",
        usual_place="鼓楼步行街东口水果摊",
    )


@pytest.mark.parametrize("role", ["officer", "squadron_leader", "legal_reviewer", "admin"])
def test_authorised_roles_see_identifiers_in_full(city, role: str) -> None:
    seen = mask_party(_liu(), city.users[role])
    assert seen["id_number"] == "330203197805120017"
    assert seen["phone"] == "13805741234"
    assert seen["name"] == "刘建国"
    assert seen["masked"] is False


@pytest.mark.parametrize("role", ["auxiliary", "leader", "inspector", "citizen"])
def test_everybody_else_sees_them_masked(city, role: str) -> None:
    seen = mask_party(_liu(), city.users[role])
    assert seen["id_number"] == "330203********0017"
    assert seen["phone"] == "138****1234"
    assert seen["name"] == "刘**"
    assert seen["usual_place"] == "鼓楼步行街东…"
    assert seen["masked"] is True


def test_a_company_name_and_credit_code_stay_public(city) -> None:
    firm = Party(
        pk=2, kind=PartyKind.COMPANY, name="宁波市甬城渣土运输有限公司", credit_code="91350100M000100Y43"
    )
    seen = mask_party(firm, city.users["auxiliary"])
    assert seen["name"] == firm.name
    assert seen["credit_code"] == firm.credit_code


def test_anonymous_sees_masked_values() -> None:
    assert mask_party(_liu(), None)["phone"] == "138****1234"


@given(st.text(min_size=0, max_size=30), st.integers(0, 8), st.integers(0, 8))
def test_a_mask_keeps_the_length_and_never_reveals_the_whole_value(value: str, start: int, end: int) -> None:
    masked = mask_middle(value, start, end)
    assert len(masked) == len(value)
    if len(value) >= 2:
        assert masked != value or set(value[1:]) == {"*"}
