"""The service list and service definitions, read from the catalog (names in the active language).

Every service has ``metadata=true``: its definition carries one input attribute, ``urgency``
(normal / urgent, optional: it selects the urgent time limits), and informational attributes
(``variable=false``) from the catalog: what counts as a problem (registration criteria), when it
counts as fixed (closure criteria) and how long handling may take (the time limit).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from chengguan.catalog.models import Category, Step, Urgency, localized_name
from chengguan.catalog.selectors import get_all_active_categories, get_time_limits
from chengguan.open311.codes import service_code
from chengguan.open311.datetimes import format_datetime

URGENCY = "urgency"


def service_type() -> str:
    return str(getattr(settings, "OPEN311_SERVICE_TYPE", "realtime"))


def keywords(category: Category) -> str:
    names = [category.name_zh, category.name_en, category.code]
    return ",".join(n.replace(",", " ") for n in names if n)


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": service_code(category),
        "service_name": localized_name(category),
        "description": category.registration_criteria or None,
        "metadata": True,
        "type": service_type(),
        "keywords": keywords(category),
        "group": localized_name(category.major),
    }


def service_list() -> list[dict[str, Any]]:
    return [service(c) for c in get_all_active_categories()]


def _limit_text(category: Category) -> str | None:
    limits = get_time_limits(category)
    parts = []
    for urgency in Urgency:
        limit = limits.get((Step.HANDLE, urgency))
        if limit is not None:
            parts.append(
                _("%(urgency)s: %(amount)s %(unit)s")
                % {
                    "urgency": urgency.label,
                    "amount": f"{limit.amount.normalize():f}",
                    "unit": limit.get_unit_display(),
                }
            )
    if not parts:
        return None
    return _("Handled within %(limits)s after dispatch.") % {"limits": "; ".join(parts)}


def _attribute(
    code: str,
    order: int,
    description: str,
    *,
    variable: bool,
    datatype: str,
    datatype_description: str | None = None,
    values: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "variable": variable,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": datatype_description,
        "order": order,
        "description": description,
    }
    if values is not None:
        attribute["values"] = values
    return attribute


def service_definition(category: Category) -> dict[str, Any]:
    attributes = [
        _attribute(
            URGENCY,
            1,
            _("How urgent is it? Urgent problems endanger people or traffic."),
            variable=True,
            datatype="singlevaluelist",
            datatype_description=_("normal or urgent; normal when left out"),
            values=[{"key": u.value, "name": str(u.label)} for u in Urgency],
        )
    ]
    informational = [
        ("registration_criteria", category.registration_criteria),
        ("closure_criteria", category.closure_criteria),
        ("time_limit", _limit_text(category)),
    ]
    labels = {
        "registration_criteria": _("Report it when: %(text)s"),
        "closure_criteria": _("It counts as fixed when: %(text)s"),
        "time_limit": "%(text)s",
    }
    for code, text in informational:
        if text:
            attributes.append(
                _attribute(
                    code,
                    len(attributes) + 1,
                    labels[code] % {"text": text},
                    variable=False,
                    datatype="text",
                )
            )
    return {"service_code": service_code(category), "attributes": attributes}


def allowed_values(name: str) -> list[str] | None:
    """The keys a list attribute accepts (None for an attribute no service defines)."""
    if name == URGENCY:
        return list(Urgency.values)
    return None


def changeset() -> str:
    """When the service list or a definition last changed (sortable UTC stamp)."""
    latest = Category.objects.aggregate(latest=Max("updated_at"))["latest"]
    if latest is None:
        return "1970-01-01T00:00:00Z"
    return format_datetime(latest) or ""
