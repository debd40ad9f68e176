"""``{% enforcement_nav user as items %}``: the enforcement screens in the staff web's main menu."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def enforcement_nav(user: Any) -> list[tuple[str, str]]:
    from chengguan.staff.enforcement_views import enforcement_nav as items

    return items(user)
