import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0, verbose_name='last sequence number')),
                ('hash', models.CharField(max_length=64, verbose_name='last hash')),
            ],
            options={
                'verbose_name': 'audit head',
                'verbose_name_plural': 'audit head',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='audit_head_single_row')],
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(unique=True, verbose_name='sequence number')),
                ('at', models.DateTimeField(verbose_name='time')),
                ('actor_label', models.CharField(blank=True, max_length=150, verbose_name='actor name')),
                ('action', models.CharField(db_index=True, max_length=64, verbose_name='action')),
                ('target_type', models.CharField(blank=True, max_length=64, verbose_name='target type')),
                ('target_id', models.CharField(blank=True, max_length=64, verbose_name='target id')),
                ('payload', models.JSONField(blank=True, default=dict, verbose_name='payload')),
                ('prev_hash', models.CharField(max_length=64, verbose_name='previous hash')),
                ('hash', models.CharField(max_length=64, unique=True, verbose_name='hash')),
                ('actor', models.ForeignKey(blank=True, help_text='Empty for the system.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['seq'],
                'indexes': [models.Index(fields=['target_id', 'target_type'], name='audit_entry_target'), models.Index(fields=['at'], name='audit_entry_at')],
                'constraints': [models.CheckConstraint(condition=models.Q(('seq__gte', 1)), name='audit_entry_seq_positive')],
            },
        ),
    ]
