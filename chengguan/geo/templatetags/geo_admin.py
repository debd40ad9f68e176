"""Links to the territory pages, shown on the admin index."""

from __future__ import annotations

from typing import Any

from django import template

from chengguan.org.admin_base import is_territory_admin

register = template.Library()


@register.inclusion_tag("admin/geo/index_links.html", takes_context=True)
def geo_admin_links(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": bool(user and user.is_staff), "can_import": is_territory_admin(user)}
