"""Reading the catalog: the public helpers other apps use."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.catalog.models import (
    Category,
    CategoryKind,
    MajorClass,
    Step,
    TimeLimit,
    Urgency,
    localized_name,
)
from chengguan.core.errors import NotFound
from chengguan.core.memo import ConfigMemo

# time limits by (category, step): read for every report and step, edited now and then
_time_limits = ConfigMemo("catalog.time-limits", [TimeLimit, Category])


def get_category(*, kind: str, code: str) -> Category:
    """The category of ``kind`` (component / event) with minor code ``code`` (e.g. "0102").

    Raises ``NotFound`` (field ``category``) if there is none.
    """
    try:
        return Category.objects.select_related("major").get(kind=kind, code=code)
    except Category.DoesNotExist:
        raise NotFound(
            _("There is no %(kind)s category %(code)s.")
            % {"kind": CategoryKind(kind).label if kind in CategoryKind.values else kind, "code": code},
            field="category",
            kind=kind,
            code=code,
        ) from None


def get_time_limit(*, category: Category, step: str, urgency: str = Urgency.NORMAL) -> TimeLimit | None:
    """The time limit of ``step`` for ``category`` at ``urgency``; urgent falls back to normal.

    ``None`` if the category has no limit for the step.
    """
    step = Step(step)
    limits = _time_limits.get(
        (category.pk, step),
        lambda: {t.urgency: t for t in TimeLimit.objects.filter(category=category, step=step)},
    )
    return limits.get(Urgency(urgency)) or limits.get(Urgency.NORMAL)


def get_time_limits(category: Category) -> dict[tuple[str, str], TimeLimit]:
    """Every time limit of ``category``, by (step, urgency)."""
    return {(t.step, t.urgency): t for t in TimeLimit.objects.filter(category=category)}


def get_all_active_categories(kind: str | None = None) -> QuerySet[Category]:
    """The active categories (of ``kind`` if given), by kind and code, with their major class."""
    qs = Category.objects.filter(is_active=True).select_related("major").order_by("kind", "code")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


def get_major_classes(kind: str | None = None) -> QuerySet[MajorClass]:
    """The major classes (of ``kind`` if given), by kind and code."""
    qs = MajorClass.objects.order_by("kind", "code")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


def display_name(category: Category | MajorClass) -> str:
    """``name_zh`` in a Chinese interface, else ``name_en`` (``name_zh`` if it has no English name)."""
    return localized_name(category)
