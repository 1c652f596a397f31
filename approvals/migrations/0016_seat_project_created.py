"""Every seat, open or closed, carries its form's project and the project's creation time: the
project lists read "the newest projects with a form I hold or held a seat on" as an index range
of the holder's seats. Seats closed before 0015 may lack the project; both are backfilled."""

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    owners = apps.get_model(settings.SIPM_FORM_OWNER_MODEL)._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        sql = f"""
            UPDATE approvals_stepassignee a
            SET project_id = f.project_id, project_created_at = p.created_at
            FROM approvals_formstep s
            JOIN approvals_form f ON f.id = s.form_id
            JOIN {owners} p ON p.id = f.project_id
            WHERE s.id = a.step_id
        """
    else:
        sql = f"""
            UPDATE approvals_stepassignee SET
                project_id = (
                    SELECT f.project_id FROM approvals_formstep s
                    JOIN approvals_form f ON f.id = s.form_id WHERE s.id = step_id
                ),
                project_created_at = (
                    SELECT p.created_at FROM approvals_formstep s
                    JOIN approvals_form f ON f.id = s.form_id
                    JOIN {owners} p ON p.id = f.project_id WHERE s.id = step_id
                )
        """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0015_queue_seat_copies'),
        ('projects', '0010_dashboard_snapshot_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='stepassignee',
            name='project_created_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
