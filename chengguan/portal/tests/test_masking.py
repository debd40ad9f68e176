"""Masking of personal data: names as 张*, phones, ID numbers and e-mail addresses, in fields and in free text."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from chengguan.portal.masking import mask_email, mask_id_number, mask_name, mask_phone, mask_text


def test_it_masks_a_chinese_name_after_its_first_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_name("") == ""


def test_it_masks_phones_ids_and_emails() -> None:
    assert mask_phone("138-1234-5678") == "138******78"
    assert mask_phone("+86 138 1234 5678") == "138******78"
    assert mask_id_number("33020319900101123X") == "330**************X"
    assert mask_email("zhang.san@example.com") == "z***@***.com"


def test_it_masks_personal_data_inside_free_text() -> None:
    text = (
        "当事人：李四，身份证 330203199001011234，电话 13812345678 或 0574-87654321，邮箱 li.si@example.org"
    )
    masked = mask_text(text)
    for secret in ("李四", "330203199001011234", "13812345678", "87654321", "li.si@example.org"):
        assert secret not in masked
    assert "当事人：李*" in masked


def test_it_masks_the_names_it_is_given() -> None:
    assert mask_text("王小明说井盖坏了", names=["王小明"]) == "王**说井盖坏了"


def test_it_leaves_case_numbers_and_grid_codes_alone() -> None:
    text = "案件 20261123-00017 在网格 330203001001001"
    assert mask_text(text) == text


filler = st.text(alphabet="井盖破损在路口，请处理。 abc", max_size=20)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    second = draw(st.sampled_from("3456789"))
    rest = draw(st.text(alphabet=string.digits, min_size=9, max_size=9))
    sep = draw(st.sampled_from(["", " ", "-"]))
    number = "1" + second + rest
    return number[:3] + sep + number[3:7] + sep + number[7:]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    year = draw(st.integers(1930, 2010))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    seq = draw(st.integers(0, 999))
    check = draw(st.sampled_from("0123456789X"))
    return f"{region}{year}{month:02d}{day:02d}{seq:03d}{check}"


emails = st.from_regex(r"[a-z][a-z0-9.]{1,10}@[a-z]{2,8}\.(com|org|cn)", fullmatch=True)


@given(before=filler, after=filler, phone=mobiles(), id_number=id_numbers(), email=emails)
def test_no_phone_id_or_email_survives_masking(
    before: str, after: str, phone: str, id_number: str, email: str
) -> None:
    text = f"{before}{phone}，{id_number} {email}{after}"
    masked = mask_text(text)
    assert phone not in masked
    assert "".join(ch for ch in phone if ch.isdigit()) not in masked.replace(" ", "").replace("-", "")
    assert id_number not in masked
    assert email not in masked


@given(name=st.text(alphabet="张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋", min_size=2, max_size=4))
def test_a_masked_name_keeps_only_its_first_character(name: str) -> None:
    masked = mask_name(name)
    assert masked[0] == name[0]
    assert set(masked[1:]) == {"*"}
    assert len(masked) == len(name)
