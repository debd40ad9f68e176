"""Administrative division and grid codes.

District: 6 digits (GB/T 2260), whose first four digits are the city's; street: district + 3;
community: street + 3; unit grid: community + 3 (15 digits, DB11/T 2157-2023, GB/T 30428.1).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.core.errors import BadCode

CODE_LENGTH = {"city": 6, "district": 6, "street": 9, "community": 12, "grid": 15}
_LEVEL_LABELS = {
    "city": gettext_lazy("city"),
    "district": gettext_lazy("district"),
    "street": gettext_lazy("street"),
    "community": gettext_lazy("community"),
    "grid": gettext_lazy("unit grid"),
}


def level_label(level: str) -> str:
    """The translated name of a division level (or of the unit grid), for use inside sentences."""
    label = _LEVEL_LABELS.get(str(level))
    return str(label) if label is not None else str(level)


_DIGITS = re.compile(r"^\d+$")


def check_code(level: str, code: str, parent_code: str | None) -> None:
    """Raise ``BadCode`` unless ``code`` is a well-formed code of ``level`` under ``parent_code``."""
    expected = CODE_LENGTH[level]
    if not isinstance(code, str) or not _DIGITS.match(code) or len(code) != expected:
        raise BadCode(
            _("%(level)s code %(code)r must be %(n)d digits")
            % {"level": level_label(level), "code": code, "n": expected},
            field="code",
        )
    if level == "city":
        if not code.endswith("00") or code.endswith("0000"):
            raise BadCode(
                _("city code %(code)r must be a GB/T 2260 prefecture code (ending in 00, not 0000)")
                % {"code": code},
                field="code",
            )
        return
    if parent_code is None:
        raise BadCode(_("a %(level)s needs a parent") % {"level": level_label(level)}, field="parent")
    if level == "district":
        if code[:4] != parent_code[:4] or code == parent_code:
            raise BadCode(
                _("district code %(code)r does not belong to city %(parent)s")
                % {"code": code, "parent": parent_code},
                field="code",
            )
        return
    prefix_len = CODE_LENGTH[level] - 3
    if len(parent_code) != prefix_len or code[:prefix_len] != parent_code:
        raise BadCode(
            _("%(level)s code %(code)r does not start with its parent's code %(parent)s")
            % {"level": level_label(level), "code": code, "parent": parent_code},
            field="code",
        )
    if code[prefix_len:] == "000":
        raise BadCode(
            _("%(level)s code %(code)r: the sequence number 000 is not allowed")
            % {"level": level_label(level), "code": code},
            field="code",
        )


def ancestor_codes(code: str) -> list[str]:
    """Codes of a division or grid and of its ancestors up to the district (most specific first)."""
    chain = [code]
    for length in (12, 9, 6):
        if len(code) > length:
            chain.append(code[:length])
    return chain


def city_prefix(code: str) -> str:
    """The four digits every district of a city shares with the city's code."""
    return code[:4]
