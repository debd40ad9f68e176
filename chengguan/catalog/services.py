"""Writing the catalog: every change of a category is a new version with a revision row.

- ``create_category(actor=…, major=…, code=…, …, time_limits=…)`` → a new category at version 1.
- ``update_category(category, actor=…, time_limits=…, **changes)`` → the category at its next
  version, or unchanged (same version, no revision) when nothing differs.
- ``revising(category, actor=…)`` is the context manager both use: whatever the block writes to the
  category and its time limits becomes one version, and the values before are kept as JSON in a
  ``CategoryRevision`` written in the same transaction. The admin uses it so that a change of the
  fields and of the time limits in one form is one version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.catalog.models import Category, CategoryRevision, MajorClass, TimeLimit
from chengguan.core.errors import Conflict, InvalidInput

# The fields a change may set (``kind`` follows ``major``; ``version`` is the service's).
EDITABLE_FIELDS = (
    "major",
    "code",
    "name_zh",
    "name_en",
    "attribution_rule",
    "handling_unit_kind",
    "handling_specialty",
    "registration_criteria",
    "closure_criteria",
    "enforcement_link",
    "is_active",
    "standard",
)


@dataclass(frozen=True)
class LimitSpec:
    """One time limit of a category: ``amount`` ``unit`` for ``step`` at ``urgency``."""

    step: str
    urgency: str
    amount: Decimal
    unit: str


def snapshot(category: Category) -> dict[str, Any]:
    """The category's values and time limits as JSON-ready data, as stored in the database."""
    values: dict[str, Any] = {
        "kind": category.kind,
        "major": category.major.code,
    }
    for name in EDITABLE_FIELDS:
        if name != "major":
            values[name] = getattr(category, name)
    values["time_limits"] = [
        {"step": t.step, "urgency": t.urgency, "amount": f"{t.amount.normalize():f}", "unit": t.unit}
        for t in TimeLimit.objects.filter(category=category).order_by("step", "urgency")
    ]
    return values


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return [name for name in new if old.get(name) != new[name]]


def _raise_invalid(exc: ValidationError) -> None:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"category": exc.messages}
    field, errors = next(iter(messages.items()))
    raise InvalidInput("; ".join(str(m) for m in errors), field=field, errors=messages) from None


@contextmanager
def revising(
    category: Category, *, actor: Any = None, note: str = "", expected_version: int | None = None
) -> Iterator[Category]:
    """Everything the block writes to ``category`` (and its time limits) becomes one new version.

    Yields the category row, locked and read afresh from the database; the values before are taken
    on entry. On leaving, if anything differs, ``version`` goes up by one and a ``CategoryRevision``
    keeps the old values; otherwise nothing more is written. ``category`` itself is refreshed.
    Raises ``Conflict`` if ``expected_version`` is given and the stored version differs.
    """
    with transaction.atomic():
        current = Category.objects.select_for_update().select_related("major").get(pk=category.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("This category was changed by somebody else (now version %(version)d).")
                % {"version": current.version},
                field="version",
                version=current.version,
            )
        before = snapshot(current)
        yield current
        after_row = Category.objects.select_related("major").get(pk=category.pk)
        after = snapshot(after_row)
        changed = _changed(before, after)
        if changed:
            before_version = current.version
            version = before_version + 1
            Category.objects.filter(pk=category.pk).update(version=version, updated_at=timezone.now())
            CategoryRevision.objects.create(
                category_id=category.pk,
                version=version,
                actor=actor if getattr(actor, "pk", None) else None,
                changed_fields=changed,
                old_values={**before, "version": before_version},
                note=note[:200],
            )
    category.refresh_from_db()


def _limit_specs(time_limits: Iterable[LimitSpec | Mapping[str, Any]]) -> list[LimitSpec]:
    specs = []
    for item in time_limits:
        if isinstance(item, LimitSpec):
            specs.append(item)
        else:
            specs.append(
                LimitSpec(
                    step=item["step"],
                    urgency=item.get("urgency", "normal"),
                    amount=Decimal(str(item["amount"])),
                    unit=item["unit"],
                )
            )
    return specs


def replace_time_limits(category: Category, time_limits: Iterable[LimitSpec | Mapping[str, Any]]) -> None:
    """Make the category's time limits exactly ``time_limits`` (call inside ``revising``)."""
    specs = _limit_specs(time_limits)
    keys = {(s.step, s.urgency) for s in specs}
    if len(keys) != len(specs):
        raise InvalidInput(_("A step and urgency may have only one time limit."), field="time_limits")
    existing = {(t.step, t.urgency): t for t in TimeLimit.objects.filter(category=category)}
    for key, row in existing.items():
        if key not in keys:
            row.delete()
    for spec in specs:
        row = existing.get((spec.step, spec.urgency)) or TimeLimit(
            category=category, step=spec.step, urgency=spec.urgency
        )
        if row.pk and row.amount == spec.amount and row.unit == spec.unit:
            continue
        row.amount = spec.amount
        row.unit = spec.unit
        try:
            row.full_clean(exclude=["category"], validate_unique=False)
        except ValidationError as exc:
            _raise_invalid(exc)
        row.save()


def _apply(category: Category, changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )
    for name, value in changes.items():
        setattr(category, name, value)
    if category.major_id:
        category.kind = category.major.kind
    try:
        category.full_clean(exclude=["version", "updated_at"])
    except ValidationError as exc:
        _raise_invalid(exc)


def update_category(
    category: Category,
    *,
    actor: Any,
    time_limits: Iterable[LimitSpec | Mapping[str, Any]] | None = None,
    note: str = "",
    expected_version: int | None = None,
    **changes: Any,
) -> Category:
    """Change fields of ``category`` (and replace its time limits if given) as one new version.

    Raises ``InvalidInput`` for values the model refuses and ``Conflict`` for a stale
    ``expected_version``; nothing is written then. Returns ``category``, refreshed.
    """
    with revising(category, actor=actor, note=note, expected_version=expected_version) as current:
        _apply(current, changes)
        current.save()
        if time_limits is not None:
            replace_time_limits(current, time_limits)
    return category


def create_category(
    *,
    actor: Any,
    major: MajorClass,
    code: str,
    name_zh: str,
    time_limits: Iterable[LimitSpec | Mapping[str, Any]] = (),
    note: str = "",
    **fields: Any,
) -> Category:
    """A new category at version 1, with its time limits and a revision saying who created it."""
    with transaction.atomic():
        category = Category(major=major, code=code, name_zh=name_zh)
        _apply(category, fields)
        category.save()
        replace_time_limits(category, time_limits)
        record_creation(category, actor=actor, note=note)
    return category


def record_creation(category: Category, *, actor: Any, note: str = "") -> CategoryRevision:
    """The revision of a new category: version 1, no old values."""
    return CategoryRevision.objects.create(
        category=category,
        version=category.version,
        actor=actor if getattr(actor, "pk", None) else None,
        changed_fields=["created"],
        old_values={},
        note=note[:200],
    )
