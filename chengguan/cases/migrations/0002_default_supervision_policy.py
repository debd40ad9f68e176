"""The supervision policy row (pk=1): escalate after 4 and 16 overdue working hours."""

from django.db import migrations


def create_policy(apps, schema_editor):
    SupervisionPolicy = apps.get_model("cases", "SupervisionPolicy")
    SupervisionPolicy.objects.get_or_create(
        pk=1,
        defaults={
            "escalate_after_hours": [4, 16],
            "warning_overdue_count": 5,
            "warning_period_days": 30,
            "duplicate_radius_m": 50,
            "duplicate_window_hours": 72,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_lifecycle_tables")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
