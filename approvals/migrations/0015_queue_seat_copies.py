"""Queue seats: an open seat is one that still waits on its holder (active step, in-review
form, no decision by the holder in this pass), and it carries copies of what the queue sorts,
filters and counts by. The seats open now are recomputed and given their copies here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CLOSE_DECIDED = """
UPDATE approvals_stepassignee SET is_open = FALSE
WHERE is_open AND (
    EXISTS (
        SELECT 1 FROM approvals_formstep s JOIN approvals_form f ON f.id = s.form_id
        WHERE s.id = approvals_stepassignee.step_id
          AND (s.status <> 'active' OR f.status <> 'in_review')
    )
    OR EXISTS (
        SELECT 1 FROM approvals_decision d JOIN approvals_formstep s ON s.id = d.step_id
        WHERE d.step_id = approvals_stepassignee.step_id
          AND d.principal_id = approvals_stepassignee.user_id
          AND d.step_pass = s.passes
    )
)
"""

COPY = """
UPDATE approvals_stepassignee SET
    due_at = (SELECT s.due_at FROM approvals_formstep s WHERE s.id = step_id),
    waiting_since = (SELECT s.activated_at FROM approvals_formstep s WHERE s.id = step_id),
    submitted_at = (
        SELECT f.submitted_at FROM approvals_formstep s JOIN approvals_form f ON f.id = s.form_id
        WHERE s.id = step_id
    ),
    form_kind = (
        SELECT f.kind FROM approvals_formstep s JOIN approvals_form f ON f.id = s.form_id
        WHERE s.id = step_id
    ),
    project_id = (
        SELECT f.project_id FROM approvals_formstep s JOIN approvals_form f ON f.id = s.form_id
        WHERE s.id = step_id
    )
WHERE is_open
"""


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0014_open_seats'),
        ('projects', '0007_policy_deadlines'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='stepassignee',
            name='stepassignee_open_user',
        ),
        migrations.AddField(
            model_name='stepassignee',
            name='due_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='stepassignee',
            name='form_kind',
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name='stepassignee',
            name='project',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project'),
        ),
        migrations.AddField(
            model_name='stepassignee',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='stepassignee',
            name='waiting_since',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(CLOSE_DECIDED, migrations.RunSQL.noop),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='stepassignee',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['user', 'due_at', 'step'], name='stepassignee_open_due'),
        ),
        migrations.AddIndex(
            model_name='stepassignee',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['user', 'form_kind', 'due_at'], name='stepassignee_open_kind'),
        ),
    ]
