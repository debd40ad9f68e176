"""Seed the catalog from chengguan/catalog/data/categories.json (the file as it is at migration time).

Self-contained on purpose (historical models, no app code): later edits of the file are loaded with
``manage.py load_catalog``, which validates and keeps revisions.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.json"
DEFAULT_ATTRIBUTION = {"component": "owner_first", "event": "territory_first"}


def _limits(items):
    return {(t["step"], t.get("urgency", "normal")): t for t in items or []}


def seed(apps, schema_editor):
    MajorClass = apps.get_model("catalog", "MajorClass")
    Category = apps.get_model("catalog", "Category")
    TimeLimit = apps.get_model("catalog", "TimeLimit")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"), parse_float=Decimal)
    standard = data.get("standard", "")
    defaults = _limits(data.get("default_time_limits"))
    majors = {}
    for m in data["major_classes"]:
        majors[(m["kind"], m["code"])], _ = MajorClass.objects.update_or_create(
            kind=m["kind"],
            code=m["code"],
            defaults={
                "name_zh": m["name_zh"],
                "name_en": m.get("name_en", ""),
                "standard": m.get("standard") or standard,
            },
        )
    for c in data["categories"]:
        category, _ = Category.objects.update_or_create(
            kind=c["kind"],
            code=c["code"],
            defaults={
                "major": majors[(c["kind"], c["major"])],
                "name_zh": c["name_zh"],
                "name_en": c.get("name_en", ""),
                "attribution_rule": c.get("attribution_rule") or DEFAULT_ATTRIBUTION[c["kind"]],
                "handling_unit_kind": c["handling_unit_kind"],
                "handling_specialty": c.get("handling_specialty", ""),
                "registration_criteria": c.get("registration_criteria", ""),
                "closure_criteria": c.get("closure_criteria", ""),
                "enforcement_link": c.get("enforcement_link", False),
                "is_active": c.get("is_active", True),
                "standard": c.get("standard") or standard,
            },
        )
        for (step, urgency), t in {**defaults, **_limits(c.get("time_limits"))}.items():
            TimeLimit.objects.update_or_create(
                category=category,
                step=step,
                urgency=urgency,
                defaults={"amount": Decimal(str(t["amount"])), "unit": t["unit"]},
            )


def unseed(apps, schema_editor):
    for name in ("CategoryRevision", "TimeLimit", "Category", "MajorClass"):
        apps.get_model("catalog", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_categories_and_time_limits")]

    operations = [migrations.RunPython(seed, unseed)]
