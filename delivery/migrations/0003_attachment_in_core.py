"""Acceptance records refer to core.Attachment (the same table): a change of the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_files_moved"),
        ("delivery", "0002_exec_seed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="acceptancerecord",
                    name="scan",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.attachment",
                        verbose_name="签字扫描件",
                    ),
                ),
            ]
        )
    ]
