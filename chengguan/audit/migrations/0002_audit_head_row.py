from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head_row(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entries_and_head")]

    operations = [migrations.RunPython(create_head_row, migrations.RunPython.noop)]
