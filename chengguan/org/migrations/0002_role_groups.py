from django.db import migrations

ROLES = [
    "citizen", "inspector", "operator", "dispatcher", "officer", "auxiliary",
    "squadron_leader", "department", "legal_reviewer", "leader", "admin",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_divisions_units_users"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
