"""Estimate reports refer to core.Attachment (the same table): a change of the state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_files_moved"),
        ("projects", "0004_scale_search_trgm"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="estimatereport",
                    name="attachment",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="estimate_report",
                        to="core.attachment",
                        verbose_name="估算报告文件",
                    ),
                ),
            ]
        )
    ]
