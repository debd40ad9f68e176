"""Identifiers of parties: checked, then stored in one normal form so that matching is an equality.

* ID number (公民身份号码, GB 11643-1999): 17 digits and a check character (0–9 or X) computed with
  the weights 2^(17-i) mod 11 (ISO 7064 MOD 11-2); digits 7–14 are a real date of birth.
* Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the 31-character
  set without I, O, S, V, Z; the last is a check character (MOD 31) over the first 17.
* Licence plate (号牌): a province abbreviation, an issuing-office letter, then 5 characters
  (6 for new-energy vehicles); stored without spaces or the middle dot, upper case.
* Phone: digits only, a leading +86 / 0086 dropped.

Each ``normalise_*`` returns the stored form or raises ``InvalidInput`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import InvalidInput

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
ID_CHECK = "10X98765432"

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
PLATE_RE = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]$")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11}|\d{7,8})$")
_SEPARATORS = re.compile(r"[\s·•\-\.]")


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def credit_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def normalise_id_number(value: str, *, field: str = "id_number") -> str:
    text = _SEPARATORS.sub("", value or "").upper()
    if not text:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise InvalidInput(_("An ID number has 17 digits followed by a digit or X."), field=field)
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidInput(_("The date of birth in this ID number does not exist."), field=field) from None
    if born.year < 1900:
        raise InvalidInput(_("The date of birth in this ID number does not exist."), field=field)
    if id_check_character(text[:17]) != text[17]:
        raise InvalidInput(_("The check digit of this ID number is wrong (GB 11643)."), field=field)
    return text


def normalise_credit_code(value: str, *, field: str = "credit_code") -> str:
    text = _SEPARATORS.sub("", value or "").upper()
    if not text:
        return ""
    if len(text) != 18 or any(c not in CREDIT_CHARSET for c in text):
        raise InvalidInput(
            _("A unified social credit code has 18 digits or capital letters (no I, O, S, V or Z)."),
            field=field,
        )
    if credit_check_character(text[:17]) != text[17]:
        raise InvalidInput(
            _("The check character of this unified social credit code is wrong (GB 32100)."), field=field
        )
    return text


def normalise_plate(value: str, *, field: str = "plate") -> str:
    text = _SEPARATORS.sub("", value or "").upper()
    if not text:
        return ""
    if not PLATE_RE.match(text):
        raise InvalidInput(_("This is not a Chinese licence plate (e.g. 浙B12345)."), field=field)
    return text


def normalise_phone(value: str, *, field: str = "phone") -> str:
    text = re.sub(r"[\s\-()]", "", value or "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text:
        return ""
    if not PHONE_RE.match(text):
        raise InvalidInput(_("This is not a phone number (11-digit mobile or a landline)."), field=field)
    return text


def normalise_name(value: str) -> str:
    """Names are compared without spaces (Chinese names are often typed with one in the middle)."""
    return re.sub(r"\s+", "", value or "")
