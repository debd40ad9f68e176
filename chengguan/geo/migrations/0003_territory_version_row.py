from django.db import migrations


def create_version_row(apps, schema_editor):
    TerritoryVersion = apps.get_model("geo", "TerritoryVersion")
    TerritoryVersion.objects.get_or_create(pk=1, defaults={"version": 0})


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_territory_assignments")]

    operations = [migrations.RunPython(create_version_row, migrations.RunPython.noop)]
