"""Seed the national-style indicators (REFERENCE.md §5) with example targets and weights.

Weights sum to 100 per kind of subject; a score falls by ``points_per_pct`` (2) per percentage point
below target, so a weight-50 indicator costs the composite 1 point per percentage point (金华).
Cities change all of this in the admin; the data here is only a starting point.
"""

from decimal import Decimal

from django.db import migrations

AREA_FORMULAS = [
    # code, 中文, English, numerator, denominator, lower is better, target, weight
    ("ontime_closure_rate", "按期结案率", "On-time closure rate", "closed_on_time", "due", False, "0.70", "50"),
    ("closure_rate", "结案率", "Closure rate", "closed", "due", False, "0.90", "20"),
    ("rework_rate", "返工率", "Rework rate", "rework", "handled", True, "0.05", "15"),
    ("extension_rate", "延期率", "Extension rate", "extended", "due", True, "0.10", "15"),
]
UNIT_FORMULAS = [
    ("ontime_handling_rate", "按期处置率", "On-time handling rate", "handled_on_time", "due", False, "0.90", "50"),
    ("handling_rate", "处置率", "Handling rate", "handled", "due", False, "0.95", "20"),
    ("rework_rate", "返工率", "Rework rate", "rework", "handled", True, "0.05", "15"),
    ("extension_rate", "延期率", "Extension rate", "extended", "due", True, "0.10", "15"),
]
INSPECTOR_FORMULAS = [
    ("valid_report_rate", "有效上报率", "Valid report rate", "valid_reports", "reports", False, "0.90", "40"),
    ("ontime_check_rate", "按时核查率", "On-time check rate", "checks_on_time", "checks_due", False, "0.95", "60"),
]
OFFICER_FORMULAS = [
    ("ontime_handling_rate", "按期处置率", "On-time handling rate", "handled_on_time", "handled", False, "0.90", "70"),
    ("rework_rate", "返工率", "Rework rate", "rework", "handled", True, "0.05", "30"),
]
SEED = {
    "district": AREA_FORMULAS,
    "street": AREA_FORMULAS,
    "community": AREA_FORMULAS,
    "grid": AREA_FORMULAS,
    "department": UNIT_FORMULAS,
    "squadron": UNIT_FORMULAS,
    "inspector": INSPECTOR_FORMULAS,
    "officer": OFFICER_FORMULAS,
}


def seed(apps, schema_editor):
    IndicatorFormula = apps.get_model("evaluation", "IndicatorFormula")
    for kind, formulas in SEED.items():
        for position, (code, name_zh, name_en, num, den, lower, target, weight) in enumerate(formulas):
            IndicatorFormula.objects.get_or_create(
                subject_kind=kind,
                code=code,
                defaults={
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "numerator": num,
                    "denominator": den,
                    "exclude_suspended": True,
                    "lower_is_better": lower,
                    "target": Decimal(target),
                    "points_per_pct": Decimal(2),
                    "weight": Decimal(weight),
                    "position": position,
                    "is_active": True,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_formulas_and_assessments")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
