"""Identifiers are checked by their standards' check characters and stored in one normal form."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chengguan.core.errors import InvalidInput
from chengguan.enforcement.identifiers import (
    CREDIT_CHARSET,
    credit_check_character,
    id_check_character,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
    normalise_plate,
)

pytestmark = pytest.mark.usefixtures("in_english")

birth_dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2020, 12, 31))


def test_it_accepts_the_standard_examples() -> None:
    # GB 11643-1999's own example and GB 32100-2015's own example
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert normalise_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_it_rejects_a_wrong_id_check_digit_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_id_number("110105194912310021", field="new_party.id_number")
    assert caught.value.field == "new_party.id_number"
    assert "check digit" in str(caught.value.message)


def test_it_rejects_an_id_number_whose_birth_date_does_not_exist() -> None:
    first17 = "11010519490231002"  # 31 February
    with pytest.raises(InvalidInput, match="date of birth"):
        normalise_id_number(first17 + id_check_character(first17))


@given(region=st.integers(110000, 659999).map(str), born=birth_dates, seq=st.integers(0, 999))
def test_every_id_number_with_its_check_digit_is_accepted_and_every_other_digit_refused(
    region: str, born: dt.date, seq: int
) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    right = id_check_character(first17)
    assert normalise_id_number(first17 + right) == first17 + right
    for wrong in "0123456789X":
        if wrong != right:
            with pytest.raises(InvalidInput):
                normalise_id_number(first17 + wrong)


@given(
    st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from(CREDIT_CHARSET),
)
def test_a_credit_code_with_one_character_changed_is_refused(first17: str, where: int, other: str) -> None:
    code = first17 + credit_check_character(first17)
    assert normalise_credit_code(code) == code
    if other != code[where]:
        changed = code[:where] + other + code[where + 1 :]
        with pytest.raises(InvalidInput):
            normalise_credit_code(changed)


@pytest.mark.parametrize("bad", ["91350100M000100Y4", "91350100M000100I43", "abc"])
def test_it_rejects_malformed_credit_codes(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_credit_code(bad)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("浙B·12345", "浙B12345"),
        ("浙b 12345", "浙B12345"),
        ("粤BD12345", "粤BD12345"),
        ("京A1234学", "京A1234学"),
    ],
)
def test_plates_are_stored_without_separators(raw: str, stored: str) -> None:
    assert normalise_plate(raw) == stored


@pytest.mark.parametrize("bad", ["B12345", "浙I12345", "浙B1234", "浙B1234567"])
def test_it_rejects_what_is_not_a_plate(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_plate(bad)


def test_phones_lose_country_code_and_spaces() -> None:
    assert normalise_phone("+86 138-0574-1234") == "13805741234"
    assert normalise_phone("0574-87001234") == "057487001234"
    with pytest.raises(InvalidInput):
        normalise_phone("12345")
