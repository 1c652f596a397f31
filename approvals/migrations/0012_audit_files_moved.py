"""The audit log and stored files now live in core (core 0003). The audit rows' form and project
become plain ids: their foreign-key constraints are dropped (the columns, values and indexes stay),
then the three models leave the engine's state. No row is changed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0011_scale_reminder_due"),
        ("core", "0003_audit_files_moved"),
        ("delivery", "0003_attachment_in_core"),
        ("projects", "0005_attachment_in_core"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="form",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="approvals.form",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="AuditHead"),
                migrations.DeleteModel(name="Attachment"),
            ]
        ),
    ]
