"""The audit log (AuditHead, AuditEvent) and stored files (Attachment) move from the engine app
to the ground floor. Their tables keep their names, rows and the append-only trigger, so this is a
change of the migration state only; approvals 0012 drops the audit rows' foreign keys to forms and
projects (they become plain ids) and removes the models from the engine's state."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_outbox_relay_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("approvals", "0011_scale_reminder_due"),  # the tables exist
    ]

    state = [
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'db_table': 'approvals_audithead',
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='下载编号')),
                ('file', models.FileField(upload_to='attachments/%Y/%m/')),
                ('original_name', models.CharField(max_length=255)),
                ('size', models.PositiveBigIntegerField()),
                ('content_type', models.CharField(blank=True, max_length=100)),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '附件',
                'verbose_name_plural': '附件',
                'db_table': 'approvals_attachment',
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('shard', models.PositiveSmallIntegerField(default=0)),
                ('seq', models.PositiveBigIntegerField()),
                ('created_at', models.DateTimeField()),
                ('verb', models.CharField(max_length=40)),
                ('form_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('project_id', models.BigIntegerField(blank=True, db_index=True, null=True)),
                ('payload', models.JSONField(default=dict)),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('on_behalf_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '审计日志',
                'verbose_name_plural': '审计日志',
                'db_table': 'approvals_auditevent',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('shard', 'seq'), name='unique_audit_shard_seq')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state)]
