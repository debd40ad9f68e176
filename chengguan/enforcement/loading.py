"""Loading legal provisions, violation types and discretion benchmarks from a data file, idempotently.

The file format is that of ``data/enforcement.json``. Everything is checked first; on any problem
nothing is written and ``EnforcementDataRejected`` lists each problem. Rows are matched by code
(benchmarks by violation type and label): loading the same file twice changes nothing.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.catalog.models import Category, CategoryKind
from chengguan.core.errors import InvalidInput
from chengguan.enforcement.models import (
    Corrected,
    DiscretionBenchmark,
    FineUnit,
    Harm,
    LegalProvision,
    Offence,
    Scale,
    ViolationType,
)

FORMAT = "chengguan.enforcement/1"
DATA_FILE = Path(__file__).resolve().parent / "data" / "enforcement.json"
CIRCUMSTANCES = {"offence": Offence, "scale": Scale, "harm": Harm, "corrected": Corrected}


class EnforcementDataRejected(InvalidInput):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            _("The enforcement data file has %(n)s problem(s); nothing was written.") % {"n": len(problems)},
            field="file",
        )
        self.problems = problems


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


def parse_data(text: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnforcementDataRejected([_("not JSON: %(reason)s") % {"reason": exc}]) from None
    if not isinstance(data, dict):
        raise EnforcementDataRejected([_("the file must hold a JSON object")])
    return data


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _check_benchmark(where: str, row: Any, problems: list[str]) -> dict[str, Any] | None:
    if not isinstance(row, dict):
        problems.append(_("%(where)s: a benchmark must be an object") % {"where": where})
        return None
    label = str(row.get("label") or "").strip()
    if not label:
        problems.append(_("%(where)s: label is missing") % {"where": where})
    clean: dict[str, Any] = {"label": label[:100]}
    for name, choices in CIRCUMSTANCES.items():
        value = row.get(name) or ""
        if value and value not in choices.values:
            problems.append(
                _("%(where)s: %(field)s must be one of %(allowed)s")
                % {"where": where, "field": name, "allowed": ", ".join(choices.values)}
            )
        clean[name] = value
    unit = row.get("unit", FineUnit.YUAN)
    if unit not in FineUnit.values:
        problems.append(_("%(where)s: unit must be yuan or percent") % {"where": where})
    clean["unit"] = unit
    low, high = _decimal(row.get("min")), _decimal(row.get("max"))
    proposed = None if row.get("proposed") is None else _decimal(row.get("proposed"))
    if low is None or high is None:
        problems.append(_("%(where)s: min and max must be amounts of 0 or more") % {"where": where})
    elif low > high:
        problems.append(_("%(where)s: min is above max") % {"where": where})
    elif row.get("proposed") is not None and (proposed is None or not low <= proposed <= high):
        problems.append(_("%(where)s: proposed must lie between min and max") % {"where": where})
    severity = row.get("severity", 1)
    if not isinstance(severity, int) or isinstance(severity, bool) or severity < 0:
        problems.append(_("%(where)s: severity must be a whole number") % {"where": where})
    clean.update(
        fine_min=low,
        fine_max=high,
        proposed=proposed,
        severity=severity,
        basis_text=str(row.get("basis_text") or ""),
    )
    return clean


def _covers_every_case(rows: list[dict[str, Any]]) -> list[str]:
    """The combinations of circumstances no row fits (each type must answer every set of facts)."""
    missing = []
    for combo in itertools.product(*(choices.values for choices in CIRCUMSTANCES.values())):
        facts = dict(zip(CIRCUMSTANCES, combo, strict=True))
        if not any(all(not row[k] or row[k] == facts[k] for k in CIRCUMSTANCES) for row in rows):
            missing.append("/".join(combo))
    return missing


def check_data(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate the whole file; return clean provisions and types, or raise with every problem."""
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(_("format must be %(format)s") % {"format": FORMAT})
    provisions: list[dict[str, Any]] = []
    codes: set[str] = set()
    for i, row in enumerate(data.get("provisions") or []):
        where = f"provisions[{i}]"
        if not isinstance(row, dict):
            problems.append(_("%(where)s: must be an object") % {"where": where})
            continue
        code = str(row.get("code") or "")
        if not code or code in codes:
            problems.append(_("%(where)s: code is missing or repeated") % {"where": where})
        codes.add(code)
        if not row.get("law_name") or not row.get("article"):
            problems.append(_("%(where)s: law_name and article are required") % {"where": where})
        provisions.append(
            {
                "code": code,
                "law_name": str(row.get("law_name") or ""),
                "article": str(row.get("article") or ""),
                "text": str(row.get("text") or ""),
                "penalty_text": str(row.get("penalty_text") or ""),
            }
        )
    known = codes | set(LegalProvision.objects.values_list("code", flat=True))
    categories = {c.code: c for c in Category.objects.filter(kind=CategoryKind.EVENT)}
    types: list[dict[str, Any]] = []
    type_codes: set[str] = set()
    for i, row in enumerate(data.get("violation_types") or []):
        where = f"violation_types[{i}]"
        if not isinstance(row, dict):
            problems.append(_("%(where)s: must be an object") % {"where": where})
            continue
        code = str(row.get("code") or "")
        if not code or code in type_codes:
            problems.append(_("%(where)s: code is missing or repeated") % {"where": where})
        type_codes.add(code)
        if not row.get("name"):
            problems.append(_("%(where)s: name is required") % {"where": where})
        category = None
        if row.get("category"):
            category = categories.get(str(row["category"]))
            if category is None:
                problems.append(
                    _("%(where)s: no event category %(code)s in the catalog")
                    % {"where": where, "code": row["category"]}
                )
        for ref in row.get("provisions") or []:
            if ref not in known:
                problems.append(_("%(where)s: unknown provision %(code)s") % {"where": where, "code": ref})
        numbers = {}
        for name, default in (("lookback_days", 365), ("rectification_days", 3)):
            value = row.get(name, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(
                    _("%(where)s: %(field)s must be a whole number") % {"where": where, "field": name}
                )
            numbers[name] = value
        benchmarks = []
        for j, raw in enumerate(row.get("benchmarks") or []):
            checked = _check_benchmark(f"{where}.benchmarks[{j}]", raw, problems)
            if checked is not None:
                benchmarks.append(checked)
        labels = [b["label"] for b in benchmarks]
        if len(labels) != len(set(labels)):
            problems.append(_("%(where)s: benchmark labels must differ") % {"where": where})
        if benchmarks:
            gaps = _covers_every_case(benchmarks)
            if gaps:
                problems.append(
                    _("%(where)s: no benchmark fits %(cases)s")
                    % {"where": where, "cases": ", ".join(gaps[:5]) + (" …" if len(gaps) > 5 else "")}
                )
        types.append(
            {
                "code": code,
                "name": str(row.get("name") or ""),
                "name_en": str(row.get("name_en") or ""),
                "category": category,
                "provisions": list(row.get("provisions") or []),
                "minor_first_offence": bool(row.get("minor_first_offence", False)),
                "reminder_text": str(row.get("reminder_text") or ""),
                "benchmarks": benchmarks,
                **numbers,
            }
        )
    if problems:
        raise EnforcementDataRejected(problems)
    return provisions, types


def _upsert(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], report: LoadReport, label: str
) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.created.append(label)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        report.updated.append(label)
    else:
        report.unchanged += 1
    return obj


def load_data(data: dict[str, Any], *, dry_run: bool = False) -> LoadReport:
    provisions, types = check_data(data)
    report = LoadReport()
    with transaction.atomic():
        for row in provisions:
            values = {k: v for k, v in row.items() if k != "code"}
            _upsert(
                LegalProvision, {"code": row["code"]}, values, report, f"{row['law_name']}{row['article']}"
            )
        for row in types:
            values = {
                k: row[k]
                for k in (
                    "name",
                    "name_en",
                    "category",
                    "minor_first_offence",
                    "lookback_days",
                    "rectification_days",
                    "reminder_text",
                )
            }
            vtype = _upsert(ViolationType, {"code": row["code"]}, values, report, row["name"])
            wanted = set(
                LegalProvision.objects.filter(code__in=row["provisions"]).values_list("pk", flat=True)
            )
            if set(vtype.provisions.values_list("pk", flat=True)) != wanted:
                vtype.provisions.set(wanted)
                if row["name"] not in report.created + report.updated:
                    report.updated.append(row["name"])
            for bench in row["benchmarks"]:
                values = {k: v for k, v in bench.items() if k != "label"}
                _upsert(
                    DiscretionBenchmark,
                    {"violation_type": vtype, "label": bench["label"]},
                    values,
                    report,
                    f"{row['name']} · {bench['label']}",
                )
        if dry_run:
            transaction.set_rollback(True)
    return report


def load_bundled_data() -> LoadReport:
    """Load ``data/enforcement.json`` (the seed that ships with chengguan)."""
    return load_data(parse_data(DATA_FILE.read_bytes()))
