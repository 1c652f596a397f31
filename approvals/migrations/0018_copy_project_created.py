"""Every copy (抄送/存档) carries its form's project and the project's creation time, as seats
do (0016): a department's newest projects with a copy are an index range. Backfilled here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    owners = apps.get_model(settings.SIPM_FORM_OWNER_MODEL)._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        sql = f"""
            UPDATE approvals_formcopy c
            SET project_id = f.project_id, project_created_at = p.created_at
            FROM approvals_form f JOIN {owners} p ON p.id = f.project_id
            WHERE f.id = c.form_id
        """
    else:
        sql = f"""
            UPDATE approvals_formcopy SET
                project_id = (SELECT f.project_id FROM approvals_form f WHERE f.id = form_id),
                project_created_at = (
                    SELECT p.created_at FROM approvals_form f
                    JOIN {owners} p ON p.id = f.project_id WHERE f.id = form_id
                )
        """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0017_seat_project_indexes'),
        ('org', '0005_sec_idempotency_key'),
        ('projects', '0010_dashboard_snapshot_schedule'),
    ]

    operations = [
        migrations.AddField(
            model_name='formcopy',
            name='project',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project'),
        ),
        migrations.AddField(
            model_name='formcopy',
            name='project_created_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
