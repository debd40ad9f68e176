"""Load a catalog file (the format of ``data/categories.json``): validate everything, then write.

- ``parse_catalog(text)`` → the file's data (``CatalogRejected`` if it is not JSON).
- ``validate_catalog(data)`` → the list of problems, each naming its entry; empty when all is well.
- ``load_catalog(data, actor=…, dry_run=…, note=…)`` → ``LoadReport``. Major classes and categories
  are upserted by (kind, code); an entry describes its whole row (an absent optional member means
  its default) and its complete set of time limits. Categories absent from the file are kept.
  Every changed category gets a new version and a revision (``chengguan.catalog.services``).
  On any problem nothing is written and ``CatalogRejected`` lists every problem; with ``dry_run``
  the load runs and is rolled back, so the counts are exact.

The file: ``{"format": "chengguan.catalog/1", "standard", "source", "notes", "default_time_limits":
[limit…], "major_classes": [{kind, code, name_zh, name_en?, standard?}…], "categories": [{kind, major,
code, name_zh, name_en?, handling_unit_kind, handling_specialty?, attribution_rule?,
registration_criteria?, closure_criteria?, enforcement_link?, is_active?, standard?,
time_limits: [limit…]}…]}`` with limit = ``{step, urgency?, amount, unit}``. ``default_time_limits``
fill in every (step, urgency) a category does not list itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.catalog.models import (
    DEFAULT_ATTRIBUTION,
    HANDLING_UNIT_KINDS,
    AttributionRule,
    Category,
    CategoryKind,
    MajorClass,
    Step,
    TimeUnit,
    Urgency,
)
from chengguan.catalog.services import LimitSpec, create_category, update_category
from chengguan.core.errors import ChengguanError, ErrorCode
from chengguan.org.models import Specialty

FORMAT = "chengguan.catalog/1"
TOP_KEYS = {"format", "standard", "source", "notes", "default_time_limits", "major_classes", "categories"}
MAJOR_KEYS = {"kind", "code", "name_zh", "name_en", "standard"}
CATEGORY_KEYS = {
    "kind",
    "major",
    "code",
    "name_zh",
    "name_en",
    "handling_unit_kind",
    "handling_specialty",
    "attribution_rule",
    "registration_criteria",
    "closure_criteria",
    "enforcement_link",
    "is_active",
    "standard",
    "time_limits",
}
LIMIT_KEYS = {"step", "urgency", "amount", "unit"}
MAX_AMOUNT = Decimal("9999.99")
TEXT_LIMITS = {"name_zh": 64, "name_en": 128, "standard": 100}


class CatalogRejected(ChengguanError):
    code = ErrorCode.IMPORT_REJECTED
    http_status = 422

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            _("The catalog was refused: %(n)d problems; nothing was written.") % {"n": len(problems)},
            problems=problems,
        )


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    majors_created: int = 0
    majors_updated: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        text = _(
            "major classes: %(mc)d created, %(mu)d updated; categories: %(c)d created, "
            "%(u)d updated, %(n)d unchanged"
        ) % {
            "mc": self.majors_created,
            "mu": self.majors_updated,
            "c": len(self.created),
            "u": len(self.updated),
            "n": self.unchanged,
        }
        if self.dry_run:
            text += " " + _("(dry run: nothing was written)")
        return text


def parse_catalog(text: str | bytes) -> dict[str, Any]:
    """The data of a catalog file; amounts keep their decimal digits."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CatalogRejected([_("The file is not valid JSON: %(reason)s") % {"reason": exc}]) from None
    if not isinstance(data, dict):
        raise CatalogRejected([_("The file must hold a JSON object.")])
    return data


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.problems.append(f"{where}: {reason}")

    def unknown_keys(self, where: str, entry: dict[str, Any], allowed: set[str]) -> None:
        unknown = sorted(set(entry) - allowed)
        if unknown:
            self.add(where, _("unknown members %(keys)s") % {"keys": ", ".join(unknown)})

    def text(self, where: str, entry: dict[str, Any], key: str, *, required: bool = False) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            self.add(where, _("%(key)s must be text") % {"key": key})
            return ""
        value = value.strip()
        if required and not value:
            self.add(where, _("%(key)s is missing") % {"key": key})
        limit = TEXT_LIMITS.get(key)
        if limit and len(value) > limit:
            self.add(where, _("%(key)s is longer than %(n)d characters") % {"key": key, "n": limit})
        return value

    def flag(self, where: str, entry: dict[str, Any], key: str, default: bool) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.add(where, _("%(key)s must be true or false") % {"key": key})
            return default
        return value

    def choice(self, where: str, value: Any, key: str, allowed: list[str]) -> None:
        if value not in allowed:
            self.add(
                where,
                _("unknown %(key)s %(value)s (one of: %(allowed)s)")
                % {"key": key, "value": json.dumps(value, ensure_ascii=False), "allowed": ", ".join(allowed)},
            )

    def limits(self, where: str, items: Any) -> dict[tuple[str, str], LimitSpec]:
        result: dict[tuple[str, str], LimitSpec] = {}
        if not isinstance(items, list):
            self.add(where, _("time_limits must be a list"))
            return result
        for index, item in enumerate(items):
            here = f"{where} time_limits[{index}]"
            if not isinstance(item, dict):
                self.add(here, _("must be an object"))
                continue
            self.unknown_keys(here, item, LIMIT_KEYS)
            step, urgency, unit = (
                item.get("step"),
                item.get("urgency", Urgency.NORMAL.value),
                item.get("unit"),
            )
            self.choice(here, step, "step", Step.values)
            self.choice(here, urgency, "urgency", Urgency.values)
            self.choice(here, unit, "unit", TimeUnit.values)
            amount = _amount(item.get("amount"))
            if amount is None:
                self.add(here, _("amount must be a number"))
            elif amount <= 0:
                self.add(here, _("amount must be positive, not %(amount)s") % {"amount": amount})
            elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
                self.add(here, _("amount must be at most 9999.99 with two decimals"))
            key = (step, urgency)
            if key in result:
                self.add(
                    here, _("a second limit for %(step)s / %(urgency)s") % {"step": step, "urgency": urgency}
                )
            elif amount is not None and amount > 0:
                result[key] = LimitSpec(step=str(step), urgency=str(urgency), amount=amount, unit=str(unit))
        return result


def _label(kind: Any, code: Any, name: Any, where: str) -> str:
    parts = [str(p) for p in (kind, code, name) if isinstance(p, str) and p]
    return f"{' '.join(parts)} ({where})" if parts else where


@dataclass
class _Plan:
    standard: str
    defaults: dict[tuple[str, str], LimitSpec]
    majors: list[dict[str, Any]]
    categories: list[tuple[str, dict[str, Any], list[LimitSpec]]]


def _check(data: Any) -> tuple[list[str], _Plan | None]:
    c = _Checker()
    if not isinstance(data, dict):
        return [_("The file must hold a JSON object.")], None
    c.unknown_keys(_("file"), data, TOP_KEYS)
    if data.get("format", FORMAT) != FORMAT:
        c.add(_("file"), _("format must be %(format)s") % {"format": FORMAT})
    standard = c.text(_("file"), data, "standard")
    defaults = c.limits("default_time_limits", data.get("default_time_limits", []))

    majors: list[dict[str, Any]] = []
    known_majors = set(MajorClass.objects.values_list("kind", "code"))
    seen_majors: set[tuple[Any, Any]] = set()
    raw_majors = data.get("major_classes", [])
    if not isinstance(raw_majors, list):
        c.add("major_classes", _("must be a list"))
        raw_majors = []
    for index, entry in enumerate(raw_majors):
        where = f"major_classes[{index}]"
        if not isinstance(entry, dict):
            c.add(where, _("must be an object"))
            continue
        kind, code = entry.get("kind"), entry.get("code")
        where = _label(kind, code, entry.get("name_zh"), where)
        c.unknown_keys(where, entry, MAJOR_KEYS)
        c.choice(where, kind, "kind", CategoryKind.values)
        if not (isinstance(code, str) and re.fullmatch(r"\d{2}", code)):
            c.add(where, _("a major class code is two digits"))
        if (kind, code) in seen_majors:
            c.add(where, _("the major class appears twice"))
        seen_majors.add((kind, code))
        majors.append(
            {
                "kind": kind,
                "code": code,
                "name_zh": c.text(where, entry, "name_zh", required=True),
                "name_en": c.text(where, entry, "name_en"),
                "standard": c.text(where, entry, "standard") or standard,
            }
        )
    known_majors |= seen_majors

    categories: list[tuple[str, dict[str, Any], list[LimitSpec]]] = []
    seen: set[tuple[Any, Any]] = set()
    raw_categories = data.get("categories", [])
    if not isinstance(raw_categories, list):
        c.add("categories", _("must be a list"))
        raw_categories = []
    for index, entry in enumerate(raw_categories):
        where = f"categories[{index}]"
        if not isinstance(entry, dict):
            c.add(where, _("must be an object"))
            continue
        kind, major, code = entry.get("kind"), entry.get("major"), entry.get("code")
        where = _label(kind, code, entry.get("name_zh"), where)
        c.unknown_keys(where, entry, CATEGORY_KEYS)
        c.choice(where, kind, "kind", CategoryKind.values)
        if not (isinstance(major, str) and re.fullmatch(r"\d{2}", major)):
            c.add(where, _("major must be a two-digit major class code"))
        elif kind in CategoryKind.values and (kind, major) not in known_majors:
            c.add(where, _("there is no %(kind)s major class %(major)s") % {"kind": kind, "major": major})
        if not (isinstance(code, str) and re.fullmatch(r"\d{4}", code)):
            c.add(where, _("a minor class code is four digits"))
        elif isinstance(major, str) and not code.startswith(major):
            c.add(
                where,
                _("the code %(code)s does not start with its major class code %(major)s")
                % {"code": code, "major": major},
            )
        if (kind, code) in seen:
            c.add(where, _("the category appears twice"))
        seen.add((kind, code))
        unit_kind = entry.get("handling_unit_kind")
        c.choice(where, unit_kind, "handling_unit_kind", [k.value for k in HANDLING_UNIT_KINDS])
        specialty = entry.get("handling_specialty", "")
        c.choice(where, specialty, "handling_specialty", ["", *Specialty.values])
        rule = entry.get("attribution_rule", "")
        c.choice(where, rule, "attribution_rule", ["", *AttributionRule.values])
        fields = {
            "name_zh": c.text(where, entry, "name_zh", required=True),
            "name_en": c.text(where, entry, "name_en"),
            "handling_unit_kind": unit_kind,
            "handling_specialty": specialty,
            "attribution_rule": rule
            or (DEFAULT_ATTRIBUTION[CategoryKind(kind)] if kind in CategoryKind.values else ""),
            "registration_criteria": c.text(where, entry, "registration_criteria"),
            "closure_criteria": c.text(where, entry, "closure_criteria"),
            "enforcement_link": c.flag(where, entry, "enforcement_link", False),
            "is_active": c.flag(where, entry, "is_active", True),
            "standard": c.text(where, entry, "standard") or standard,
        }
        raw_limits = entry.get("time_limits", [])
        limits = {**defaults, **c.limits(where, raw_limits)}
        handle_normal = (Step.HANDLE.value, Urgency.NORMAL.value)
        listed = isinstance(raw_limits, list) and any(
            isinstance(t, dict) and (t.get("step"), t.get("urgency", Urgency.NORMAL.value)) == handle_normal
            for t in raw_limits
        )
        # a listed but bad limit is reported once, as bad, not also as missing
        if fields["is_active"] and handle_normal not in limits and not listed:
            c.add(where, _("an active category needs a handle limit for normal urgency"))
        categories.append(
            (
                where,
                {"kind": kind, "major": major, "code": code, **fields},
                sorted(limits.values(), key=lambda s: (s.step, s.urgency)),
            )
        )
    if c.problems:
        return c.problems, None
    return [], _Plan(standard=standard, defaults=defaults, majors=majors, categories=categories)


def validate_catalog(data: Any) -> list[str]:
    """Every problem of the catalog data, each naming its entry; empty if it can be loaded."""
    return _check(data)[0]


class _DryRun(Exception):
    pass


def load_catalog(data: Any, *, actor: Any = None, dry_run: bool = False, note: str = "") -> LoadReport:
    """Upsert the catalog data (see the module docstring); ``CatalogRejected`` if anything is wrong."""
    problems, plan = _check(data)
    if plan is None:
        raise CatalogRejected(problems)
    report = LoadReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _write(plan, report, actor=actor, note=note)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _write(plan: _Plan, report: LoadReport, *, actor: Any, note: str) -> None:
    majors: dict[tuple[str, str], MajorClass] = {
        (m.kind, m.code): m for m in MajorClass.objects.select_for_update()
    }
    for entry in plan.majors:
        key = (entry["kind"], entry["code"])
        row = majors.get(key)
        values = {k: entry[k] for k in ("name_zh", "name_en", "standard")}
        if row is None:
            majors[key] = MajorClass.objects.create(kind=entry["kind"], code=entry["code"], **values)
            report.majors_created += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
            report.majors_updated += 1
    existing = {(c.kind, c.code): c for c in Category.objects.select_related("major")}
    for _where, entry, limits in plan.categories:
        kind, code = entry["kind"], entry["code"]
        major = majors[(kind, entry["major"])]
        fields = {k: v for k, v in entry.items() if k not in ("kind", "major", "code")}
        category = existing.get((kind, code))
        label = f"{kind} {code} {entry['name_zh']}"
        if category is None:
            create_category(actor=actor, major=major, code=code, time_limits=limits, note=note, **fields)
            report.created.append(label)
            continue
        version = category.version
        changes = {k: v for k, v in fields.items() if getattr(category, k) != v}
        update_category(category, actor=actor, time_limits=limits, note=note, **changes)
        if category.version != version:
            report.updated.append(label)
        else:
            report.unchanged += 1
