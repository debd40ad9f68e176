"""The single working-hours row (pk=1): 08:30–12:00 and 13:30–17:30, due soon at the last 20%."""

import datetime as dt
from decimal import Decimal

from django.db import migrations


def create_default_schedule(apps, schema_editor):
    WorkSchedule = apps.get_model("workdays", "WorkSchedule")
    WorkSchedule.objects.get_or_create(
        pk=1,
        defaults={
            "period1_start": dt.time(8, 30),
            "period1_end": dt.time(12, 0),
            "period2_start": dt.time(13, 30),
            "period2_end": dt.time(17, 30),
            "due_soon_fraction": Decimal("0.20"),
            "due_soon_hours": None,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_calendar_tables"),
    ]

    operations = [
        migrations.RunPython(create_default_schedule, migrations.RunPython.noop),
    ]
