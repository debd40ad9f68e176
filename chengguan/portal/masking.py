"""Masking of personal data: the ONE place that decides how a name, a phone number, an ID number or an
e-mail address looks in public output (pages, publications, the public map).

* names keep their first character: 张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*** S****;
* mobile and fixed-line phone numbers keep the first three and the last two digits: 138******78;
* resident ID numbers (18 characters) keep the first three and the last one: 330**************4;
* e-mail addresses keep the first character of the mailbox and the top-level domain: z***@***.com.

``mask_text`` finds phone numbers, ID numbers and e-mail addresses in free text (a citizen's
description, a decision's body) and masks them, together with the names it is given and names that
follow a label such as "当事人：" or "姓名:". Public pages show free text only through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"

# 18-character resident ID: 6-digit region, birth date 18xx–20xx, 3-digit sequence, check digit or X.
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
# Mobile numbers (optionally +86 / 86, separated by spaces or hyphens) and fixed lines (0574-87654321).
MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?[2-9]\d{2,3}[\s-]?\d{4}(?![0-9])")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# A name after a label: 当事人：张三, 姓名: 李四, 联系人 王五 …
LABELLED_NAME_RE = re.compile(
    r"(?P<label>当事人|姓名|联系人|举报人|投诉人|信访人|申请人|被投诉人|经营者|摊主|法定代表人)"
    r"(?P<sep>\s*[:：]?\s*)(?P<name>[\u4e00-\u9fff·]{2,4})"
)


def mask_name(name: str) -> str:
    """张三 → 张*; each word of a Latin-script name keeps its first letter."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(word[0] + MASK * max(len(word) - 1, 1) for word in name.split())
    return name[0] + MASK * max(len(name) - 1, 1)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def mask_phone(phone: str) -> str:
    """138-1234-5678 → 138******78 (digits only; at least the middle is hidden)."""
    digits = _digits(phone or "")
    if not digits:
        return ""
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 5:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 5) + digits[-2:]


def mask_id_number(value: str) -> str:
    """330203199001011234 → 330**************4 (the birth date and the sequence are hidden)."""
    value = (value or "").strip()
    if len(value) <= 4:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 4) + value[-1]


def mask_email(email: str) -> str:
    """zhang.san@example.com → z***@***.com."""
    email = (email or "").strip()
    if "@" not in email:
        return MASK * 3 if email else ""
    local, _at, domain = email.rpartition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}{MASK * 3}@{MASK * 3}" + (f".{tld}" if tld else "")


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with e-mail addresses, ID numbers, phone numbers and the given (and labelled) names masked."""
    if not text:
        return ""
    out = EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)
    out = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), out)
    out = MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), out)
    out = LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    return LABELLED_NAME_RE.sub(lambda m: m.group("label") + m.group("sep") + mask_name(m.group("name")), out)
